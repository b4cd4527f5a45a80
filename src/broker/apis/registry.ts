/**
 * The dispatch table: every API the embedded broker answers, by key. ApiVersions is built
 * from this same list, so what is advertised is exactly what is dispatched.
 */
import type { ApiHandler } from './api.js';
import { produce } from './00-produce.js';
import { fetch } from './01-fetch.js';
import { listOffsets } from './02-list-offsets.js';
import { metadata } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { createTopics } from './19-create-topics.js';
import { deleteTopics } from './20-delete-topics.js';
import { initProducerId } from './22-init-producer-id.js';
import { describeConfigs } from './32-describe-configs.js';
// Consumer groups (handlers written with broker/groups): keys 8-16 and 42.
import { offsetCommit } from './08-offset-commit.js';
import { offsetFetch } from './09-offset-fetch.js';
import { findCoordinator } from './10-find-coordinator.js';
import { joinGroup } from './11-join-group.js';
import { heartbeat } from './12-heartbeat.js';
import { leaveGroup } from './13-leave-group.js';
import { syncGroup } from './14-sync-group.js';
import { describeGroups } from './15-describe-groups.js';
import { listGroups } from './16-list-groups.js';
import { deleteGroups } from './42-delete-groups.js';
// Admin beyond the common paths.
import { deleteRecords } from './21-delete-records.js';
import { alterConfigs } from './33-alter-configs.js';
import { createPartitions } from './37-create-partitions.js';
import { incrementalAlterConfigs } from './44-incremental-alter-configs.js';
import { offsetDelete } from './47-offset-delete.js';
import { describeCluster } from './60-describe-cluster.js';
import { describeProducers } from './61-describe-producers.js';
import { describeTransactions } from './65-describe-transactions.js';
// Transactions (broker/apis/transactions.ts).
import { addPartitionsToTxn } from './24-add-partitions-to-txn.js';
import { addOffsetsToTxn } from './25-add-offsets-to-txn.js';
import { endTxn } from './26-end-txn.js';
import { txnOffsetCommit } from './28-txn-offset-commit.js';
import { listTransactions } from './66-list-transactions.js';

/** The handlers of the wire layer and the group coordinator. */
export function createApiRegistry(extra: readonly ApiHandler[] = []): ReadonlyMap<number, ApiHandler> {
  const list: ApiHandler[] = [
    produce,
    fetch,
    listOffsets,
    metadata,
    createTopics,
    deleteTopics,
    initProducerId,
    describeConfigs,
    offsetCommit,
    offsetFetch,
    findCoordinator,
    joinGroup,
    heartbeat,
    leaveGroup,
    syncGroup,
    describeGroups,
    listGroups,
    deleteGroups,
    deleteRecords,
    alterConfigs,
    createPartitions,
    incrementalAlterConfigs,
    offsetDelete,
    describeCluster,
    describeProducers,
    describeTransactions,
    addPartitionsToTxn,
    addOffsetsToTxn,
    endTxn,
    txnOffsetCommit,
    listTransactions,
    ...extra,
  ];
  list.push(apiVersionsHandler(() => list));
  const map = new Map<number, ApiHandler>();
  for (const api of list) {
    if (map.has(api.key)) throw new Error(`two handlers for API key ${api.key}`);
    map.set(api.key, api);
  }
  return map;
}
