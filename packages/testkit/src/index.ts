export {
  startRedis,
  startSentinels,
  type TestRedis,
  type TestSentinels,
} from "@chat/cluster-redis/testing";
export * from "server/testing";
export {
  type LossSettings,
  type LossyProxy,
  type LossyProxyOptions,
  type ProxyStats,
  startLossyProxy,
} from "./lossy-proxy.js";
