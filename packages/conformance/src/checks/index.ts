import type { Check } from "../check.js";
import { abuseChecks } from "./abuse.js";
import { addressCheckChecks } from "./address-check.js";
import { clusterChecks } from "./cluster.js";
import { foldingChecks } from "./folding.js";
import { framingChecks } from "./framing.js";
import { listChecks } from "./lists.js";
import { livenessChecks } from "./liveness.js";
import { messageChecks } from "./messages.js";
import { nameChecks } from "./names.js";
import { orderChecks } from "./order.js";
import { perIpChecks } from "./per-ip.js";
import { registerChecks } from "./register.js";
import { routingChecks } from "./routing.js";

/**
 * Every check, in id order (groups: sections.ts). Ids are unique; the per-IP checks come last
 * on purpose, then the cross-node ones.
 */
export const ALL_CHECKS: readonly Check[] = [
  ...framingChecks,
  ...nameChecks,
  ...messageChecks,
  ...foldingChecks,
  ...registerChecks,
  ...livenessChecks,
  ...routingChecks,
  ...listChecks,
  ...orderChecks,
  ...abuseChecks,
  // Revision 3; its 3x check (6.8) shares the per-IP budgets, so it comes before those.
  ...addressCheckChecks,
  ...perIpChecks,
  // Run only with a second --target (another node of the same cluster).
  ...clusterChecks,
];
