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
 * Two names clash when their folds or their look-alike keys are equal (docs/protocol.md,
 * revision 3), so a claim checks both hashes. A <p>looks entry whose <p>names entry is gone
 * or has another key is stale and ignored. Revision 2 kept `claims` and `owned:<node>`
 * (keyed by the skeleton of the folded name); these scripts never read them.
 * Channels: <p>bus (joins, leaves, dead nodes, broadcasts: one total order, numbered by
 * <p>seq) and <p>node:<node> (PRIVATEs for that node's users).
 * Bus messages are "seq\nJ\nnode\nfolded\nname", "seq\nL\nnode\nregSeq\nfolded",
 * "seq\nN\nnode" and "seq\nB\n<BROADCAST_FWD bytes>".
 */

const COMMON = `
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
  redis.call('PUBLISH', p .. 'bus', seq .. '\\n' .. kind .. '\\n' .. body)
  return seq
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
export const CLAIM = `${COMMON}
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
export const RELEASE = `${COMMON}
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
export const BROADCAST = `${COMMON}
local node, token = ARGV[2], ARGV[3]
if fenced(node, token) then return -1 end
return publish('B', ARGV[4])
`;

/** Returns -1 fenced, 0 no such user on a live node, 1 sent to its node. */
export const PRIVATE = `${COMMON}
local node, token, folded, payload = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if fenced(node, token) then return -1 end
local current = redis.call('HGET', p .. 'names', folded)
if not current then return 0 end
local holder = owner(current)
if not alive(holder) then return 0 end
if payload == '' then return 1 end
if redis.call('PUBLISH', p .. 'node:' .. holder, folded .. '\\n' .. payload) == 0 then return 0 end
return 1
`;

/**
 * Renews the lease; reaps nodes whose lease ran out (their names are freed, and one "N"
 * on the bus tells every node). Returns -1 fenced, else how many nodes it reaped.
 */
export const RENEW = `${COMMON}
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
    redis.call('DEL', p .. 'held:' .. dead)
    redis.call('ZREM', p .. 'nodes', dead)
    publish('N', dead)
    reaped = reaped + 1
  end
end
return reaped
`;

/**
 * A node's (re)join: takes a new token and lease and re-claims its users, given as a count
 * then (folded, look-alike key, name) triples in registration order. Returns one number per
 * user: its registration sequence, or 0 when another live node holds the name or a
 * look-alike now. Names the node held before but no longer has are released.
 */
export const JOIN = `${COMMON}
local node, token, lease, count = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('SET', p .. 'lease:' .. node, token, 'PX', lease)
redis.call('ZADD', p .. 'nodes', now_ms() + lease, node)
local held = p .. 'held:' .. node
local kept = {}
local result = {}
-- After the triples: folded names of claims still in flight, left as they are.
for i = 6 + 3 * count, #ARGV do kept[ARGV[i]] = true end
for i = 6, 5 + 3 * count, 3 do
  local folded, look, name = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local current = redis.call('HGET', p .. 'names', folded)
  local regSeq = 0
  if current then
    local holder, seq = owner(current)
    if holder == node and look_of(current) == look then
      regSeq = tonumber(seq)
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
export const LEAVE = `${COMMON}
local node, token = ARGV[2], ARGV[3]
if fenced(node, token) then return -1 end
for _, folded in ipairs(redis.call('SMEMBERS', p .. 'held:' .. node)) do
  local current = redis.call('HGET', p .. 'names', folded)
  if current and owner(current) == node then drop(folded, current) end
end
redis.call('DEL', p .. 'held:' .. node, p .. 'lease:' .. node)
redis.call('ZREM', p .. 'nodes', node)
publish('N', node)
return 1
`;

/** The bus position and every claim held by a live node: { seq, entry, entry, ... }. */
export const SNAPSHOT = `${COMMON}
local out = { tonumber(redis.call('GET', p .. 'seq') or '0') }
local live = {}
local claims = redis.call('HGETALL', p .. 'names')
for i = 2, #claims, 2 do
  local holder = owner(claims[i])
  if live[holder] == nil then live[holder] = alive(holder) end
  if live[holder] then out[#out + 1] = claims[i] end
end
return out
`;

export const SCRIPTS = { CLAIM, RELEASE, BROADCAST, PRIVATE, RENEW, JOIN, LEAVE, SNAPSHOT };
export type ScriptName = keyof typeof SCRIPTS;
