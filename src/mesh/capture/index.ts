/** Body capture on demand, with redacted headers, in a bounded ring. */
export { BodyCapture, type BodyCaptureOptions, type CaptureTarget, type CaptureTap, type CapturedExchange } from './body-capture.js';
