export { startRedis, type TestRedis } from "./redis-server.js";
