/** Body capture on demand, with redacted headers, in a bounded ring. */
export { BodyCapture, type BodyCaptureOptions, type CaptureTarget, type CaptureTap, type CapturedExchange } from './body-capture.js';
/** Every call's headers, by reference, in a bounded ring; parsed and redacted when a view asks. */
export { HeaderRing } from './header-ring.js';
/** Frames on demand: WebSocket frame events for connections whose edge has capture on. */
export { WsFrameTap, type WsFrameTapOptions } from './ws-frame-tap.js';
