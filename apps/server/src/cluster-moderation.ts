import type { RunningDaemon } from "./daemon.js";
import type { Logger } from "./logger.js";
import type { Moderation } from "./moderation.js";

/** Cluster mode's kick: asks every node; how many heard it. */
export type ClusterKick = (name: string) => Promise<number>;

/**
 * Cluster mode: admin bans kept in Redis and applied by every node, and kicks that reach
 * the node holding the user (@chat/cluster-redis SharedBans, connections of its own).
 */
export async function shareModeration(
  config: { readonly cluster: string; readonly clusterPrefix: string },
  moderation: Moderation,
  daemon: () => Pick<RunningDaemon, "kick"> | undefined,
  logger: Logger,
): Promise<ClusterKick> {
  const { SharedBans } = await import("@chat/cluster-redis");
  const shared = new SharedBans(config.cluster, config.clusterPrefix, {
    bans: (bans) => moderation.replaceShared(bans),
    kick: (name) => {
      if (daemon()?.kick(name)) logger.info({ name }, "kicked at another node's request");
    },
  });
  moderation.share(shared);
  shared.start();
  return (name) => shared.kick(name);
}
