export * from "server/testing";
export {
  type LossSettings,
  type LossyProxy,
  type LossyProxyOptions,
  type ProxyStats,
  startLossyProxy,
} from "./lossy-proxy.js";
export { startRedis, type TestRedis } from "./redis-server.js";
