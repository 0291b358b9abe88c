-- Wireshark dissector for CHAT UDP (docs/protocol.md of chat-udp).
--
-- One packet per UDP datagram: OPCODE (u8) | LENGTH (u16, big-endian) | DATA (LENGTH bytes).
-- Registered on UDP port 9999 (a preference) and as a heuristic for every other UDP port.
-- A datagram that breaks a rule is decoded as far as it goes and flagged as expert info
-- (Analyze > Expert Information), never as a dissector error: the first broken rule in the
-- order a server checks them (size, opcode, DATA shape, text) is the one reported.
--
-- Install: copy this file into Wireshark's personal Lua plugins folder (Help > About
-- Wireshark > Folders > "Personal Lua Plugins", e.g. ~/.local/lib/wireshark/plugins), or
-- run `tshark -X lua_script:chat-udp.lua`. Works with Lua 5.1 to 5.4 (Wireshark 3.x to 4.x).

local chat = Proto("chat_udp", "CHAT UDP")

local DEFAULT_PORT = 9999
local MAX_DATAGRAM = 65507
local MAX_NAME_BYTES = 32

local OPCODES = {
  [0] = "OK", [1] = "ERROR", [11] = "REGISTER", [12] = "LOGOUT",
  [20] = "BROADCAST", [21] = "BROADCAST_FWD", [22] = "PRIVATE", [23] = "PRIVATE_FWD",
  [40] = "INFO_REQUEST", [41] = "INFO_RESPONSE", [42] = "LIST_REQUEST", [43] = "LIST_RESPONSE",
}
local TO_SERVER = { [11] = true, [12] = true, [20] = true, [22] = true, [40] = true, [42] = true }
-- Opcodes whose DATA must be empty.
local EMPTY = { [0] = true, [12] = true, [40] = true, [42] = true }
-- Revision 3, the address check: REGISTER may end in `NUL cookie` (0 to 64 bytes), a checked
-- endpoint's LOGOUT, BROADCAST, PRIVATE and LIST_REQUEST in its session token (16 to 64
-- bytes; LOGOUT and LIST_REQUEST have it as their whole DATA), and the server's challenge is
-- ERROR `address check: <token>`. Both are printable ASCII (0x21 to 0x7E).
local TOKENED = { [12] = true, [20] = true, [22] = true, [42] = true }
local MAX_COOKIE_BYTES, MIN_TOKEN_BYTES = 64, 16
local CHALLENGE_PREFIX = "address check: "

local f = chat.fields
f.opcode = ProtoField.uint8("chat_udp.opcode", "Opcode", base.DEC, OPCODES)
f.length = ProtoField.uint16("chat_udp.length", "Length", base.DEC)
f.data = ProtoField.bytes("chat_udp.data", "Data")
f.direction = ProtoField.string("chat_udp.direction", "Direction")
f.username = ProtoField.string("chat_udp.username", "Username", base.UNICODE)
f.sender = ProtoField.string("chat_udp.sender", "Sender", base.UNICODE)
f.receiver = ProtoField.string("chat_udp.receiver", "Receiver", base.UNICODE)
f.message = ProtoField.string("chat_udp.message", "Message", base.UNICODE)
f.text = ProtoField.string("chat_udp.text", "Text", base.UNICODE)
f.list_count = ProtoField.uint32("chat_udp.list.count", "Names", base.DEC)
f.list_name = ProtoField.string("chat_udp.list.name", "Name", base.UNICODE)
f.cookie = ProtoField.string("chat_udp.cookie", "Cookie")
f.token = ProtoField.string("chat_udp.token", "Token")

local group, severity = expert.group, expert.severity
local e = {
  truncated = ProtoExpert.new("chat_udp.truncated", "Truncated", group.MALFORMED, severity.ERROR),
  trailing_bytes = ProtoExpert.new("chat_udp.trailing_bytes", "Trailing bytes",
    group.MALFORMED, severity.ERROR),
  too_large = ProtoExpert.new("chat_udp.too_large", "Datagram too large",
    group.MALFORMED, severity.ERROR),
  unknown_opcode = ProtoExpert.new("chat_udp.unknown_opcode", "Unknown opcode",
    group.MALFORMED, severity.ERROR),
  unexpected_data = ProtoExpert.new("chat_udp.unexpected_data", "DATA must be empty",
    group.MALFORMED, severity.ERROR),
  missing_separator = ProtoExpert.new("chat_udp.missing_separator", "Missing NUL separator",
    group.MALFORMED, severity.ERROR),
  empty_list_entry = ProtoExpert.new("chat_udp.empty_list_entry", "Empty name in a list",
    group.MALFORMED, severity.ERROR),
  invalid_utf8 = ProtoExpert.new("chat_udp.invalid_utf8", "Invalid UTF-8",
    group.MALFORMED, severity.ERROR),
  name_refused = ProtoExpert.new("chat_udp.name_refused", "Name breaks the name rules",
    group.PROTOCOL, severity.WARN),
  message_refused = ProtoExpert.new("chat_udp.message_refused", "Message breaks the message rules",
    group.PROTOCOL, severity.WARN),
}
chat.experts = {
  e.truncated, e.trailing_bytes, e.too_large, e.unknown_opcode, e.unexpected_data,
  e.missing_separator, e.empty_list_entry, e.invalid_utf8, e.name_refused, e.message_refused,
}

chat.prefs.port = Pref.uint("Server UDP port", DEFAULT_PORT,
  "Datagrams to this port go to the server, from it to a client")
chat.prefs.max_message = Pref.uint("Largest message (bytes)", 1024,
  "The server's --max-message; longer messages are flagged")

-- Decodes UTF-8 strictly (no overlongs, surrogates or code points past U+10FFFF).
-- Returns the code points, or nil and the 0-based offset of the first bad sequence.
local function decode_utf8(s)
  local points, i, n = {}, 1, #s
  while i <= n do
    local b = s:byte(i)
    local cp, need, min
    if b < 0x80 then cp, need, min = b, 0, 0
    elseif b >= 0xC2 and b <= 0xDF then cp, need, min = b - 0xC0, 1, 0x80
    elseif b >= 0xE0 and b <= 0xEF then cp, need, min = b - 0xE0, 2, 0x800
    elseif b >= 0xF0 and b <= 0xF4 then cp, need, min = b - 0xF0, 3, 0x10000
    else return nil, i - 1 end
    if i + need > n then return nil, i - 1 end
    for k = 1, need do
      local c = s:byte(i + k)
      if c < 0x80 or c > 0xBF then return nil, i - 1 end
      cp = cp * 64 + (c - 0x80)
    end
    if cp < min or cp > 0x10FFFF or (cp >= 0xD800 and cp <= 0xDFFF) then return nil, i - 1 end
    points[#points + 1] = cp
    i = i + need + 1
  end
  return points
end

local function in_ranges(cp, ranges)
  for _, r in ipairs(ranges) do
    if cp >= r[1] and cp <= r[2] then return true end
  end
  return false
end

local CONTROLS = { { 0x00, 0x1F }, { 0x7F, 0x9F } }
-- Unicode White_Space.
local WHITESPACE = {
  { 0x09, 0x0D }, { 0x20, 0x20 }, { 0x85, 0x85 }, { 0xA0, 0xA0 }, { 0x1680, 0x1680 },
  { 0x2000, 0x200A }, { 0x2028, 0x2029 }, { 0x202F, 0x202F }, { 0x205F, 0x205F },
  { 0x3000, 0x3000 },
}
-- Unicode category Cf (format characters: zero-width, bidi controls, BOM, ...).
local FORMAT = {
  { 0xAD, 0xAD }, { 0x600, 0x605 }, { 0x61C, 0x61C }, { 0x6DD, 0x6DD }, { 0x70F, 0x70F },
  { 0x890, 0x891 }, { 0x8E2, 0x8E2 }, { 0x180E, 0x180E }, { 0x200B, 0x200F },
  { 0x202A, 0x202E }, { 0x2060, 0x2064 }, { 0x2066, 0x206F }, { 0xFEFF, 0xFEFF },
  { 0xFFF9, 0xFFFB }, { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD }, { 0x13430, 0x1343F },
  { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A }, { 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F },
}

-- Characters that draw nothing (docs/protocol.md, revision 3: identity): every
-- Default_Ignorable_Code_Point of Unicode 17.0.0 and the graphic blanks (U+2800 BRAILLE
-- PATTERN BLANK ...). The same list as @chat/protocol's INVISIBLE_CLASS; a test checks
-- every code point against it.
local INVISIBLE = {
  { 0xAD, 0xAD }, { 0x34F, 0x34F }, { 0x61C, 0x61C }, { 0x115F, 0x1160 }, { 0x17B4, 0x17B5 },
  { 0x180B, 0x180F }, { 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x206F },
  { 0x2800, 0x2800 }, { 0x3164, 0x3164 }, { 0xFE00, 0xFE0F }, { 0xFEFF, 0xFEFF },
  { 0xFFA0, 0xFFA0 }, { 0xFFF0, 0xFFF8 }, { 0x13441, 0x13442 }, { 0x1BCA0, 0x1BCA3 },
  { 0x1D159, 0x1D159 }, { 0x1D173, 0x1D17A }, { 0xE0000, 0xE0FFF },
}
-- Line and paragraph separators: some terminals and widgets break the line at them.
local SEPARATORS = { { 0x2028, 0x2029 } }

-- Why a server refuses this (valid UTF-8) name, or nil.
local function name_problem(points, bytes)
  if bytes == 0 then return "empty" end
  if bytes > MAX_NAME_BYTES then return "longer than 32 bytes" end
  for _, cp in ipairs(points) do
    if in_ranges(cp, CONTROLS) then return string.format("control character U+%04X", cp) end
    if in_ranges(cp, WHITESPACE) then return string.format("whitespace U+%04X", cp) end
    if in_ranges(cp, FORMAT) then return string.format("format character U+%04X", cp) end
    if cp == 0xFFFD then return "replacement character U+FFFD" end
    if in_ranges(cp, INVISIBLE) then return string.format("invisible character U+%04X", cp) end
  end
  return nil
end

-- Why a server refuses this (valid UTF-8) message, or nil.
local function message_problem(points, bytes)
  if bytes == 0 then return "empty" end
  if bytes > chat.prefs.max_message then
    return string.format("%d bytes, more than %d", bytes, chat.prefs.max_message)
  end
  for _, cp in ipairs(points) do
    if cp ~= 0x09 and cp ~= 0x0A and in_ranges(cp, CONTROLS) then
      return string.format("control character U+%04X", cp)
    end
  end
  return nil
end

local ESCAPES = { [0x09] = "\\t", [0x0A] = "\\n", [0x0D] = "\\r" }

local function utf8_char(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + math.floor(cp / 0x40), 0x80 + cp % 0x40) end
  if cp < 0x10000 then
    return string.char(0xE0 + math.floor(cp / 0x1000), 0x80 + math.floor(cp / 0x40) % 0x40,
      0x80 + cp % 0x40)
  end
  return string.char(0xF0 + math.floor(cp / 0x40000), 0x80 + math.floor(cp / 0x1000) % 0x40,
    0x80 + math.floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

-- Text for the packet list and tree, escaped as the terminal client escapes what it shows:
-- C0 and C1 controls and DEL as \xNN (TAB, LF, CR as \t \n \r), format characters (bidi
-- overrides and isolates, zero-width ...), line separators and characters that draw
-- nothing as <U+XXXX>; the presentation selectors U+FE0E and U+FE0F are dropped. So an
-- RLO in a message cannot reverse the Info column. Bytes that are not UTF-8 are \xNN.
local function visible(raw)
  local points = decode_utf8(raw)
  if points == nil then
    return (raw:gsub("[^\32-\126]", function(c) return string.format("\\x%02x", c:byte()) end))
  end
  local out = {}
  for _, cp in ipairs(points) do
    if in_ranges(cp, CONTROLS) then
      out[#out + 1] = ESCAPES[cp] or string.format("\\x%02x", cp)
    elseif cp == 0xFE0E or cp == 0xFE0F then
      -- dropped, as the terminal client does
    elseif in_ranges(cp, FORMAT) or in_ranges(cp, INVISIBLE) or in_ranges(cp, SEPARATORS) then
      out[#out + 1] = string.format("<U+%04X>", cp)
    else
      out[#out + 1] = utf8_char(cp)
    end
  end
  return table.concat(out)
end

-- Adds one text field (a name, a message, a description) and checks it.
-- kind: "name", "message" or "text". Returns the decoded text for the Info column.
local function add_text(tree, tvb, field, offset, len, kind)
  local range = tvb(offset, len)
  local item = tree:add_packet_field(field, range, ENC_UTF_8)
  local raw = len > 0 and tvb:raw(offset, len) or ""
  local points, bad = decode_utf8(raw)
  if points == nil then
    item:add_proto_expert_info(e.invalid_utf8,
      string.format("Invalid UTF-8 at byte %d of this field", bad))
    return visible(raw)
  end
  local problem
  if kind == "name" then
    problem = name_problem(points, len)
    if problem then item:add_proto_expert_info(e.name_refused, "Name refused: " .. problem) end
  elseif kind == "message" then
    problem = message_problem(points, len)
    if problem then
      item:add_proto_expert_info(e.message_refused, "Message refused: " .. problem)
    end
  end
  return visible(raw)
end

-- Splits at the first NUL: "sender\0message" or "receiver\0message".
local function dissect_pair(tree, tvb, data_len, first_field, opcode_item)
  local nul
  for i = 0, data_len - 1 do
    if tvb(3 + i, 1):uint() == 0 then nul = i break end
  end
  if nul == nil then
    opcode_item:add_proto_expert_info(e.missing_separator, "No NUL between name and message")
    return nil
  end
  local who = add_text(tree, tvb, first_field, 3, nul, "name")
  local message = add_text(tree, tvb, f.message, 3 + nul + 1, data_len - nul - 1, "message")
  return who, message
end

local function dissect_list(tree, tvb, data_len, opcode_item)
  local names, start = {}, 0
  for i = 0, data_len do
    if data_len == 0 then break end
    if i == data_len or tvb(3 + i, 1):uint() == 0 then
      if i == start then
        opcode_item:add_proto_expert_info(e.empty_list_entry,
          string.format("Empty name at byte %d of DATA", i))
        return nil
      end
      names[#names + 1] = { start, i - start }
      start = i + 1
    end
  end
  tree:add(f.list_count, #names):set_generated()
  local shown = {}
  for _, n in ipairs(names) do
    shown[#shown + 1] = add_text(tree, tvb, f.list_name, 3 + n[1], n[2], "name")
  end
  return #names == 0 and "(no names)" or table.concat(shown, ", ")
end

local function printable_ascii(tvb, offset, len)
  for i = offset, offset + len - 1 do
    local b = tvb(i, 1):uint()
    if b < 0x21 or b > 0x7E then return false end
  end
  return true
end

local function token_form(tvb, offset, len, min)
  return len >= min and len <= MAX_COOKIE_BYTES and printable_ascii(tvb, offset, len)
end

-- Where a REGISTER's cookie or another request's token starts, counted from the start of
-- DATA, or nil. As the server reads it: the bytes after the last NUL (all of an empty-shaped
-- DATA; after a PRIVATE's second NUL), only when they have the form; otherwise they stay in
-- the name or message (whose rules refuse a NUL) or are a LOGOUT's or LIST_REQUEST's
-- unexpected DATA.
local function tail_at(tvb, opcode, data_len)
  if opcode ~= 11 and not TOKENED[opcode] then return nil end
  if EMPTY[opcode] then
    return data_len > 0 and token_form(tvb, 3, data_len, MIN_TOKEN_BYTES) and 0 or nil
  end
  local first, last
  for i = 0, data_len - 1 do
    if tvb(3 + i, 1):uint() == 0 then
      first = first or i
      last = i
    end
  end
  if last == nil or (opcode == 22 and first == last) then return nil end
  local min = opcode == 11 and 0 or MIN_TOKEN_BYTES
  if token_form(tvb, 3 + last + 1, data_len - last - 1, min) then return last + 1 end
  return nil
end

-- Adds the cookie or token that starts `tail` bytes into DATA; a note for the Info column.
local function add_tail(tree, tvb, field, tail, data_len)
  local len = data_len - tail
  tree:add(field, tvb(3 + tail, len))
  if field == f.cookie then
    return len == 0 and " [asks for a cookie]" or " [cookie]"
  end
  return " [token]"
end

-- "to server", "to client" or nil (a heuristic match on another port: not known).
local function direction_of(pinfo)
  if pinfo.dst_port == chat.prefs.port then return "to server" end
  if pinfo.src_port == chat.prefs.port then return "to client" end
  return nil
end

function chat.dissector(tvb, pinfo, root)
  local size = tvb:len()
  pinfo.cols.protocol = "CHAT UDP"
  local tree = root:add(chat, tvb())
  if size < 3 then
    tree:add(f.data, tvb()):add_proto_expert_info(e.truncated,
      string.format("%d bytes: shorter than the 3-byte header", size))
    pinfo.cols.info = "Malformed (truncated header)"
    return size
  end
  local opcode = tvb(0, 1):uint()
  local data_len = tvb(1, 2):uint()
  local name = OPCODES[opcode]
  local opcode_item = tree:add(f.opcode, tvb(0, 1))
  tree:add(f.length, tvb(1, 2))
  local direction = direction_of(pinfo)
  if direction then tree:add(f.direction, direction):set_generated() end
  local label = name or ("opcode " .. opcode)
  pinfo.cols.info = label

  -- 1. size
  if size > MAX_DATAGRAM then
    opcode_item:add_proto_expert_info(e.too_large,
      string.format("%d bytes: more than %d", size, MAX_DATAGRAM))
    return size
  end
  if size ~= 3 + data_len then
    if size > 3 then tree:add(f.data, tvb(3)) end
    if size < 3 + data_len then
      opcode_item:add_proto_expert_info(e.truncated,
        string.format("LENGTH says %d bytes of DATA, the datagram has %d", data_len, size - 3))
    else
      opcode_item:add_proto_expert_info(e.trailing_bytes,
        string.format("%d bytes after the %d of DATA", size - 3 - data_len, data_len))
    end
    pinfo.cols.info = label .. " [malformed]"
    return size
  end
  -- 2. opcode (and which side may send it, when the port tells)
  local wrong_way = name and direction and ((direction == "to server") ~= (TO_SERVER[opcode] == true))
  if name == nil or wrong_way then
    if data_len > 0 then tree:add(f.data, tvb(3, data_len)) end
    local why = name == nil and string.format("Unknown opcode %d", opcode)
      or string.format("%s (%d) sent %s: a %s never accepts it", name, opcode, direction,
        direction == "to server" and "server" or "client")
    opcode_item:add_proto_expert_info(e.unknown_opcode, why)
    pinfo.cols.info = label .. " [unknown opcode]"
    return size
  end
  -- 3. DATA shape, then 4. text
  local tail = tail_at(tvb, opcode, data_len)
  -- Without a cookie or token, DATA ends where the datagram does.
  local own_len = tail and math.max(tail - 1, 0) or data_len
  if EMPTY[opcode] then
    if tail then
      pinfo.cols.info = label .. add_tail(tree, tvb, f.token, tail, data_len)
    elseif data_len > 0 then
      tree:add(f.data, tvb(3, data_len))
      opcode_item:add_proto_expert_info(e.unexpected_data,
        string.format("%s carries no DATA, this one has %d bytes", name, data_len))
      pinfo.cols.info = label .. " [malformed]"
    end
    return size
  end
  local note = ""
  if opcode == 11 then
    local who = add_text(tree, tvb, f.username, 3, own_len, "name")
    if tail then note = add_tail(tree, tvb, f.cookie, tail, data_len) end
    pinfo.cols.info = label .. " " .. who .. note
  elseif opcode == 1 or opcode == 41 then
    pinfo.cols.info = label .. " " .. add_text(tree, tvb, f.text, 3, data_len, "text")
    local skip = #CHALLENGE_PREFIX
    if opcode == 1 and data_len > skip and tvb:raw(3, skip) == CHALLENGE_PREFIX
      and token_form(tvb, 3 + skip, data_len - skip, MIN_TOKEN_BYTES) then
      tree:add(f.token, tvb(3 + skip, data_len - skip))
    end
  elseif opcode == 20 then
    if tail then note = add_tail(tree, tvb, f.token, tail, data_len) end
    pinfo.cols.info = label .. " " .. add_text(tree, tvb, f.message, 3, own_len, "message") .. note
  elseif opcode == 21 or opcode == 23 or opcode == 22 then
    local first = opcode == 22 and f.receiver or f.sender
    local who, message = dissect_pair(tree, tvb, own_len, first, opcode_item)
    if who == nil then
      pinfo.cols.info = label .. " [malformed]"
    else
      if tail then note = add_tail(tree, tvb, f.token, tail, data_len) end
      pinfo.cols.info = string.format("%s %s%s: %s%s", label, opcode == 22 and "to " or "", who,
        message, note)
    end
  elseif opcode == 43 then
    local names = dissect_list(tree, tvb, data_len, opcode_item)
    pinfo.cols.info = label .. " " .. (names or "[malformed]")
  end
  return size
end

-- On other ports, one well-formed datagram proves little (3 bytes of anything can look
-- like OK). A conversation is claimed only on more evidence: well-formed datagrams in
-- both directions whose opcodes agree on who is the client (one side sends only requests,
-- REGISTER ... LIST_REQUEST, the other only answers). Until then its datagrams are left to
-- other dissectors; once claimed, the whole conversation is CHAT UDP (Wireshark shows the
-- earlier datagrams as such when it dissects them again, as tshark -2 does).
local evidence = {}

function chat.init()
  evidence = {}
end

local function well_formed(tvb)
  local size = tvb:len()
  if size < 3 or size > MAX_DATAGRAM then return nil end
  local opcode = tvb(0, 1):uint()
  local data_len = tvb(1, 2):uint()
  if OPCODES[opcode] == nil or size ~= 3 + data_len then return nil end
  -- A LOGOUT or LIST_REQUEST may carry a session token (revision 3).
  if EMPTY[opcode] and data_len > 0 and tail_at(tvb, opcode, data_len) == nil then return nil end
  return opcode
end

local function heuristic(tvb, pinfo, root)
  local opcode = well_formed(tvb)
  if opcode == nil then return false end
  local from = tostring(pinfo.src) .. "/" .. tostring(pinfo.src_port)
  local to = tostring(pinfo.dst) .. "/" .. tostring(pinfo.dst_port)
  local key = from < to and (from .. " " .. to) or (to .. " " .. from)
  local seen = evidence[key]
  if seen == nil then
    seen = { sent = {} }
    evidence[key] = seen
  end
  -- Who is the client, by this datagram's opcode: the sender of a request, or the
  -- receiver of an answer. Two datagrams that disagree end the case for good.
  local client = TO_SERVER[opcode] and from or to
  if seen.client == nil then seen.client = client end
  if seen.client ~= client then seen.contradicted = true end
  seen.sent[from] = true
  if seen.contradicted or not (seen.sent[from] and seen.sent[to]) then return false end
  chat.dissector(tvb, pinfo, root)
  pinfo.conversation = chat
  return true
end

local udp_port = DissectorTable.get("udp.port")
local registered_port = DEFAULT_PORT
udp_port:add(registered_port, chat)
chat:register_heuristic("udp", heuristic)

function chat.prefs_changed()
  if chat.prefs.port ~= registered_port then
    udp_port:remove(registered_port, chat)
    registered_port = chat.prefs.port
    udp_port:add(registered_port, chat)
  end
end
