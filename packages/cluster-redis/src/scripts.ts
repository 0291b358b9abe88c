/*
 * The Lua scripts: every write the cluster makes is one of these, so each is atomic and
 * costs one round trip. Every script that writes first checks the caller's fencing token
 * against its node's lease (`lease:<node>` holds the token of the node's current life), so
 * a node that was frozen past its lease and reaped writes nothing when it wakes.
 *
 * ARGV[1] is always the key prefix. Keys (see docs/cluster.md):
 *   <p>seq            counter: the sequence number of every message on the bus
 *   <p>names          hash: folded name → "node\nregSeq\nfolded\nname\nlookAlikeKey"
 *   <p>looks          hash: look-alike key → folded name (of the entry in <p>names)
 *   <p>held:<node>    set: the folded names a node holds
 *   <p>lease:<node>   the node's token, expiring after the lease
 *   <p>nodes          sorted set: node → lease deadline (ms), for reaping dead nodes
 *   <p>epoch          a random id set by the first JOIN: a new one means Redis lost everything
 *   <p>joins:<node>   the number of the node's last JOIN (kept a day): a late, older one is refused
 * Two names clash when their folds or their look-alike keys are equal (docs/protocol.md,
 * revision 3), so a claim checks both hashes. A <p>looks entry whose <p>names entry is gone
 * or has another key is stale and ignored. Revision 2 kept `claims` and `owned:<node>`
 * (keyed by the skeleton of the folded name); these scripts never read them.
 * Streams (one field, m): <p>bus (joins, leaves, dead nodes, broadcasts: one total order,
 * numbered by <p>seq) and <p>node:<node> (PRIVATEs for that node's users), each trimmed to
 * about the length given when the scripts are built (XADD MAXLEN ~).
 * Bus entries are "seq\nJ\nnode\nfolded\nname", "seq\nL\nnode\nregSeq\nfolded",
 * "seq\nN\nnode" and "seq\nB\n<BROADCAST_FWD bytes>"; inbox entries "folded\n<PRIVATE_FWD>".
 */

/** How many entries each stream keeps at least (Redis trims whole nodes: a few more). */
export interface StreamLengths {
  readonly bus: number;
  readonly inbox: number;
}

const common = (lengths: StreamLengths) => `
local p = ARGV[1]
local function fenced(node, token)
  return redis.call('GET', p .. 'lease:' .. node) ~= token
end
local function owner(entry)
  local node, seq, folded = string.match(entry, '^([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n')
  return node, seq, folded
end
local function look_of(entry)
  return string.match(entry, '\\n([^\\n]*)$')
end
local function alive(node)
  return redis.call('EXISTS', p .. 'lease:' .. node) == 1
end
local function publish(kind, body)
  local seq = redis.call('INCR', p .. 'seq')
  redis.call('XADD', p .. 'bus', 'MAXLEN', '~', ${lengths.bus}, '*', 'm', seq .. '\\n' .. kind .. '\\n' .. body)
  return seq
end
local function to_inbox(node, body)
  redis.call('XADD', p .. 'node:' .. node, 'MAXLEN', '~', ${lengths.inbox}, '*', 'm', body)
end
local function last_id(stream)
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
  if last then return last[1] end
  return '0-0'
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- The entry of the name whose look-alike key is look, or nil.
local function by_look(look)
  local folded = redis.call('HGET', p .. 'looks', look)
  if not folded then return nil end
  local entry = redis.call('HGET', p .. 'names', folded)
  if entry and look_of(entry) == look then return folded, entry end
  return nil
end
-- Removes a name's entries (its look-alike pointer only if it still points at it).
local function drop(folded, entry)
  local holder = owner(entry)
  local look = look_of(entry)
  redis.call('HDEL', p .. 'names', folded)
  redis.call('SREM', p .. 'held:' .. holder, folded)
  if redis.call('HGET', p .. 'looks', look) == folded then redis.call('HDEL', p .. 'looks', look) end
end
local function put(node, seq, folded, name, look)
  redis.call('HSET', p .. 'names', folded, node .. '\\n' .. seq .. '\\n' .. folded .. '\\n' .. name .. '\\n' .. look)
  redis.call('HSET', p .. 'looks', look, folded)
  redis.call('SADD', p .. 'held:' .. node, folded)
end
-- The live node other than node that holds folded or a look-alike of it, else nil; stale
-- entries met on the way (this node's own, or a dead node's) are dropped.
local function taken(node, folded, look)
  local current = redis.call('HGET', p .. 'names', folded)
  if current then
    local holder = owner(current)
    if holder ~= node and alive(holder) then return holder end
    drop(folded, current)
  end
  local other, entry = by_look(look)
  if other then
    local holder = owner(entry)
    if holder ~= node and alive(holder) then return holder end
    drop(other, entry)
  end
  return nil
end
`;

/** Returns -1 fenced, -2 taken, -3 full, else the registration's sequence number. */
const CLAIM = `
local node, token, folded, look, name, max = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
if fenced(node, token) then return -1 end
-- Our own stale entry (a release lost while Redis was away) or a dead node's is free.
if taken(node, folded, look) then return -2 end
if redis.call('HLEN', p .. 'names') >= max then return -3 end
local seq = publish('J', node .. '\\n' .. folded .. '\\n' .. name)
put(node, seq, folded, name, look)
return seq
`;

/** Returns -1 fenced, 0 not held by this node, else 1. */
const RELEASE = `
local node, token, folded = ARGV[2], ARGV[3], ARGV[4]
if fenced(node, token) then return -1 end
local current = redis.call('HGET', p .. 'names', folded)
if not current then return 0 end
local holder, regSeq = owner(current)
if holder ~= node then return 0 end
drop(folded, current)
publish('L', node .. '\\n' .. regSeq .. '\\n' .. folded)
return 1
`;

/** Returns -1 fenced, else the broadcast's sequence number. */
const BROADCAST = `
local node, token = ARGV[2], ARGV[3]
if fenced(node, token) then return -1 end
return publish('B', ARGV[4])
`;

/** Returns -1 fenced, 0 no such user on a live node, 1 sent to its node. */
const PRIVATE = `
local node, token, folded, payload = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if fenced(node, token) then return -1 end
local current = redis.call('HGET', p .. 'names', folded)
if not current then return 0 end
local holder = owner(current)
if not alive(holder) then return 0 end
if payload == '' then return 1 end
to_inbox(holder, folded .. '\\n' .. payload)
return 1
`;

/**
 * Renews the lease; reaps nodes whose lease ran out (their names are freed, and one "N"
 * on the bus tells every node). Returns -1 fenced, else how many nodes it reaped.
 */
const RENEW = `
local node, token, lease = ARGV[2], ARGV[3], tonumber(ARGV[4])
if fenced(node, token) then return -1 end
local now = now_ms()
redis.call('SET', p .. 'lease:' .. node, token, 'PX', lease)
redis.call('ZADD', p .. 'nodes', now + lease, node)
local reaped = 0
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', p .. 'nodes', '-inf', now)) do
  if dead ~= node and not alive(dead) then
    for _, folded in ipairs(redis.call('SMEMBERS', p .. 'held:' .. dead)) do
      local current = redis.call('HGET', p .. 'names', folded)
      if current and owner(current) == dead then drop(folded, current) end
    end
    redis.call('DEL', p .. 'held:' .. dead, p .. 'node:' .. dead)
    redis.call('ZREM', p .. 'nodes', dead)
    publish('N', dead)
    reaped = reaped + 1
  end
end
return reaped
`;

/**
 * A node's (re)join: takes a new token and lease and re-claims its users, given as a count,
 * the join's number (1, 2, … in the node's life), then (folded, look-alike key, name)
 * triples in registration order. Returns -1 for a join older than one already made, else one
 * number per user: its registration sequence, or 0 when another live node holds the name or
 * a look-alike now. Names the node held before but no longer has are released.
 */
const JOIN = `
local node, token, lease, count, join = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
-- A join the node gave up on (timed out) may still arrive, late, after a newer one: the
-- joins of one node are numbered, and an older one than the last changes nothing.
local joins = p .. 'joins:' .. node
if join <= tonumber(redis.call('GET', joins) or '0') then return -1 end
redis.call('SET', joins, join, 'PX', 86400000)
-- The first join after Redis lost everything names the new epoch (the token is random).
redis.call('SET', p .. 'epoch', token, 'NX')
-- While the lease had lapsed, other nodes' snapshots left this node's users out: a claim
-- it still has is then announced again (a new registration number) so they list it.
local lapsed = not alive(node)
redis.call('SET', p .. 'lease:' .. node, token, 'PX', lease)
redis.call('ZADD', p .. 'nodes', now_ms() + lease, node)
local held = p .. 'held:' .. node
local kept = {}
local result = {}
-- After the triples: folded names of claims still in flight, left as they are.
for i = 7 + 3 * count, #ARGV do kept[ARGV[i]] = true end
for i = 7, 6 + 3 * count, 3 do
  local folded, look, name = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local current = redis.call('HGET', p .. 'names', folded)
  local regSeq = 0
  if current then
    local holder, seq = owner(current)
    if holder == node and look_of(current) == look then
      if not lapsed then regSeq = tonumber(seq) end
    elseif holder ~= node and alive(holder) then
      regSeq = -1
    end
  end
  if regSeq == 0 then
    local other, entry = by_look(look)
    if other and other ~= folded and owner(entry) ~= node and alive(owner(entry)) then regSeq = -1 end
  end
  if regSeq == 0 then
    if current then drop(folded, current) end
    regSeq = publish('J', node .. '\\n' .. folded .. '\\n' .. name)
    put(node, regSeq, folded, name, look)
  end
  if regSeq > 0 then
    kept[folded] = true
    redis.call('SADD', held, folded)
    result[#result + 1] = regSeq
  else
    result[#result + 1] = 0
  end
end
for _, folded in ipairs(redis.call('SMEMBERS', held)) do
  if not kept[folded] then
    redis.call('SREM', held, folded)
    local current = redis.call('HGET', p .. 'names', folded)
    if current then
      local holder, regSeq = owner(current)
      if holder == node then
        drop(folded, current)
        publish('L', node .. '\\n' .. regSeq .. '\\n' .. folded)
      end
    end
  end
end
return result
`;

/** A node's clean exit: frees its names, drops its lease, tells the bus. */
const LEAVE = `
local node, token = ARGV[2], ARGV[3]
if fenced(node, token) then return -1 end
for _, folded in ipairs(redis.call('SMEMBERS', p .. 'held:' .. node)) do
  local current = redis.call('HGET', p .. 'names', folded)
  if current and owner(current) == node then drop(folded, current) end
end
redis.call('DEL', p .. 'held:' .. node, p .. 'lease:' .. node, p .. 'node:' .. node)
redis.call('ZREM', p .. 'nodes', node)
publish('N', node)
return 1
`;

/**
 * Where the bus and this node's inbox stand, and every claim held by a live node:
 * { seq, epoch, last bus entry id, last inbox entry id, entry, entry, ... }.
 */
const SNAPSHOT = `
local node = ARGV[2]
local out = {
  tonumber(redis.call('GET', p .. 'seq') or '0'),
  redis.call('GET', p .. 'epoch') or '',
  last_id(p .. 'bus'),
  last_id(p .. 'node:' .. node),
}
local live = {}
local claims = redis.call('HGETALL', p .. 'names')
for i = 2, #claims, 2 do
  local holder = owner(claims[i])
  if live[holder] == nil then live[holder] = alive(holder) end
  if live[holder] then out[#out + 1] = claims[i] end
end
return out
`;

const BODIES = { CLAIM, RELEASE, BROADCAST, PRIVATE, RENEW, JOIN, LEAVE, SNAPSHOT };
export type ScriptName = keyof typeof BODIES;

/** Every script, with the stream lengths written in. */
export function buildScripts(lengths: StreamLengths): Record<ScriptName, string> {
  const head = common(lengths);
  const built = {} as Record<ScriptName, string>;
  for (const name of Object.keys(BODIES) as ScriptName[]) built[name] = head + BODIES[name];
  return built;
}
