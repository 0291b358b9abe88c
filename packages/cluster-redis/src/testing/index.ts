export { startRedis, type TestRedis } from "./redis-server.js";
export { SENTINEL_MASTER_NAME, startSentinels, type TestSentinels } from "./sentinel.js";
