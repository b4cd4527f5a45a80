/**
 * DescribeCluster (key 60), v0-1; flexible from v0.
 *
 * The one broker (node 1, its advertised host and port, no rack), which is also the
 * controller, and the cluster id. Authorized operations are not computed (no ACLs):
 * -2147483648, Kafka's "not requested" value. v1's endpoint_type: brokers (1) only; asking
 * for controllers (2) gets UNSUPPORTED_ENDPOINT_TYPE as from a Kafka broker.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

const UNSUPPORTED_ENDPOINT_TYPE = 119;
const NOT_REQUESTED = -2147483648;

export const describeCluster: ApiHandler = {
  key: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: 0,
  handle(req, version, ctx) {
    req.bool(); // include_cluster_authorized_operations
    const endpointType = version >= 1 ? req.int8() : 1;
    req.tags(true);
    const b = ctx.broker;
    const w = new Writer(128);
    w.int32(0); // throttle_time_ms
    if (endpointType !== 1) {
      w.int16(UNSUPPORTED_ENDPOINT_TYPE).compactNullableString('only broker endpoints are served');
    } else w.int16(ErrorCode.NONE).compactNullableString(null);
    if (version >= 1) w.int8(endpointType);
    w.compactString(b.clusterId).int32(b.nodeId);
    w.compactArray(endpointType === 1 ? [b] : [], (w, n) => {
      w.int32(n.nodeId).compactString(n.host).int32(n.port).compactNullableString(null).tags(true);
    });
    w.int32(NOT_REQUESTED);
    return w.tags(true);
  },
};
