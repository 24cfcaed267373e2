/*
 * Identity resolution of a batch of contacts, with the merges it implies, atomically (one script:
 * concurrent pages never split a person, nor see half a merge).
 * KEYS[1] email index, KEYS[2] phone index (hashes: key → customer id; one key names one customer)
 * KEYS[3] weak index (hash: first|last|postal → comma-joined ids of every customer with that key)
 * KEYS[4] profiles (hash: customer id → MessagePack {t = created ms, e, p, f, w} = its emails,
 *         phones, first names and weak keys, as every record resolved to it carried them)
 * KEYS[5] merged (hash: merged customer id → the customer it was merged into)
 * ARGV[1] the contacts, one flat MessagePack array, 8 items per contact: proposed id, email, first
 *         phone, second phone, weak key, first name, first and last byte of its profile in ARGV[4]
 *         ('' = none; read into one table {id, email, {phones}, weak, first, from, to} each, built
 *         by the table constructor: cmsgpack growing a table per contact item by item cost Redis
 *         more than resolving the contact); ARGV[2] now (ms); ARGV[3] key
 *         prefix of the per-customer record sets (`<prefix><customer id>`, built by keys.ts; same
 *         hash tag as KEYS); ARGV[4] the profiles the contacts give the customers they create
 *         ({t = ARGV[2], e, p, f, w} of the contact's own keys), MessagePack, end to end: packed by
 *         the caller, since packing them here cost Redis more than the rest of a new contact's
 *         resolution (and Redis's cmsgpack reads no binary values, hence one argument beside)
 * Rules (README "Identity rules"): candidates are the customers of the contact's email, then of
 * each phone; a candidate conflicting with the contact (or with candidates taken before it) on
 * first names or emails (both known, none shared) is not taken. Taken candidates merge into the
 * oldest. Without any strong key known, the weak key decides when exactly one customer has it and
 * emails and phones do not conflict. Otherwise the proposed id is a new customer.
 * Cost (Redis runs one script at a time, for every tenant): the index fields and profiles of the
 * whole batch are read up front in a few HMGETs; a contact whose keys all name one customer that
 * already has them all, and a contact none of whose keys anyone has, are decided without building
 * candidate lists (what the general rules give in those cases, minus rewriting what did not
 * change); writes go out in the order they were made, a few HSETs per batch.
 * Returns { flat list of customer id, how (0 new, 1 email, 2 phone, 3 weak) per contact,
 *           list of merges {loser, survivor, loser's record members...} }.
 */
export const RESOLVE_SCRIPT = `
local A = cmsgpack.unpack(ARGV[1])
local N = #A / 8
-- Contact i as one table {id, email, {phones}, weak, first, from, to}, for the general rules only:
-- the common cases (known(), create()) read A in place, as building a table per contact cost
-- Redis more than deciding them.
local function contact(i)
  local b = (i - 1) * 8
  local p1, p2 = A[b + 3], A[b + 4]
  local phones = p2 ~= '' and {p1, p2} or (p1 ~= '' and {p1} or {})
  return {A[b + 1], A[b + 2], phones, A[b + 5], A[b + 6], A[b + 7], A[b + 8]}
end
local now, setPrefix = tonumber(ARGV[2]), ARGV[3]
local idx, idxOrder = {{}, {}, {}}, {{}, {}, {}}
local prof, raw, profDirty, profOrder, fresh, gone, fwd = {}, {}, {}, {}, {}, {}, {}
local function has(l, v) for i = 1, #l do if l[i] == v then return true end end return false end
local function add(l, v) if v ~= '' and not has(l, v) then l[#l + 1] = v end end
local function disjoint(a, b)
  if #a == 0 or #b == 0 then return false end
  for i = 1, #a do if has(b, a[i]) then return false end end
  return true
end
local function compat(a, b, weak)
  if disjoint(a.f, b.f) or disjoint(a.e, b.e) then return false end
  return not weak or not disjoint(a.p, b.p)
end
local function look(k, v)
  local x = idx[k][v]
  if x == nil then x = redis.call('HGET', KEYS[k], v) or false; idx[k][v] = x end
  return x
end
-- A field put twice is named twice in the HSET, both times with its last value (cheaper than a
-- set of fields put so far, since fields are rarely put twice: merges only).
local function put(k, v, id)
  idx[k][v] = id
  local o = idxOrder[k]; o[#o + 1] = v
end
local function dirty(id)
  if not profDirty[id] then profDirty[id] = true; profOrder[#profOrder + 1] = id end
end
-- raw[id]: the profile as stored (false: none), unpacked on first use
local function getProf(id)
  local p = prof[id]
  if p == nil then
    local r = raw[id]
    if r == nil then r = redis.call('HGET', KEYS[4], id) or false end
    p = r and cmsgpack.unpack(r) or false
    prof[id] = p
  end
  return p or nil
end
local function fetch(key, list, into)
  for s = 1, #list, 500 do
    local e = math.min(#list, s + 499)
    local vals = redis.call('HMGET', key, unpack(list, s, e))
    for j = s, e do into[list[j]] = vals[j - s + 1] end
  end
end
-- Every index field the batch names, and the profile of every customer they name, in a few HMGETs.
local function prefetch()
  local lists = {{}, {}, {}}
  local function want(k, v)
    if v ~= '' and idx[k][v] == nil then idx[k][v] = false; local l = lists[k]; l[#l + 1] = v end
  end
  for i = 1, N do
    local b = (i - 1) * 8
    want(1, A[b + 2]); want(2, A[b + 3]); want(2, A[b + 4]); want(3, A[b + 5])
  end
  local ids = {}
  for k = 1, 3 do
    fetch(KEYS[k], lists[k], idx[k])
    for _, v in ipairs(lists[k]) do
      local x = idx[k][v]
      if x then
        for id in string.gmatch(x, '[^,]+') do
          if raw[id] == nil then raw[id] = false; ids[#ids + 1] = id end
        end
      end
    end
  end
  fetch(KEYS[4], ids, raw)
end
prefetch()
local function split(s) local l = {} for x in string.gmatch(s or '', '[^,]+') do l[#l + 1] = x end return l end
local function union(into, from)
  for _, f in ipairs({'e', 'p', 'f', 'w'}) do for i = 1, #from[f] do add(into[f], from[f][i]) end end
end
local function older(a, b)
  local pa, pb = getProf(a), getProf(b)
  if pa.t ~= pb.t then return pa.t < pb.t end
  return a < b
end
local merges = {}
local function merge(loser, win)
  local pl, pw = getProf(loser), getProf(win)
  union(pw, pl); dirty(win)
  for i = 1, #pl.e do if look(1, pl.e[i]) == loser then put(1, pl.e[i], win) end end
  for i = 1, #pl.p do if look(2, pl.p[i]) == loser then put(2, pl.p[i], win) end end
  for i = 1, #pl.w do
    local ids, out = split(look(3, pl.w[i]) or ''), {}
    for j = 1, #ids do add(out, ids[j] == loser and win or ids[j]) end
    put(3, pl.w[i], table.concat(out, ','))
  end
  prof[loser] = false; gone[loser] = true; fwd[loser] = win
  redis.call('HSET', KEYS[5], loser, win)
  local members = redis.call('SMEMBERS', setPrefix .. loser)
  if #members > 0 then
    redis.call('SADD', setPrefix .. win, unpack(members))
    redis.call('DEL', setPrefix .. loser)
  end
  local m = {loser, win}
  for i = 1, #members do m[#m + 1] = members[i] end
  merges[#merges + 1] = m
end
local function resolveFull(c)
  local r = {e = {}, p = c[3], f = {}, w = {}}
  add(r.e, c[2]); add(r.f, c[5]); add(r.w, c[4])
  local cands, how, seen = {}, {}, {}
  local function cand(k, v) local id = look(k, v) if id and not seen[id] then seen[id] = true; cands[#cands + 1] = id; how[id] = k end end
  if c[2] ~= '' then cand(1, c[2]) end
  for i = 1, #r.p do cand(2, r.p[i]) end
  local u = {e = {}, p = {}, f = {}, w = {}}
  union(u, r)
  local taken = {}
  for i = 1, #cands do
    local p = getProf(cands[i])
    if p and compat(u, p, false) then union(u, p); taken[#taken + 1] = cands[i] end
  end
  local id, k = nil, 0
  if #taken > 0 then
    k = how[taken[1]]
    id = taken[1]
    for i = 2, #taken do if older(taken[i], id) then id = taken[i] end end
    for i = 1, #taken do if taken[i] ~= id then merge(taken[i], id) end end
  elseif #cands == 0 and c[4] ~= '' then
    local ids = split(look(3, c[4]) or '')
    if #ids == 1 and compat(r, getProf(ids[1]), true) then id = ids[1]; k = 3 end
  end
  if not id then
    id = c[1]
    prof[id] = {t = now, e = {}, p = {}, f = {}, w = {}}
  end
  union(getProf(id), r); dirty(id)
  if c[2] ~= '' and not look(1, c[2]) then put(1, c[2], id) end
  for i = 1, #r.p do if not look(2, r.p[i]) then put(2, r.p[i], id) end end
  if c[4] ~= '' then
    local ids = split(look(3, c[4]) or '')
    if not has(ids, id) then ids[#ids + 1] = id; put(3, c[4], table.concat(ids, ',')) end
  end
  return id, k
end
-- Contact i (A[b + 1 ..] its items) whose keys all name customer x: decided here when x already
-- has all of them (the general rules take x by the first key and change nothing).
local function known(b, x)
  local p = getProf(x)
  local email, first, weak = A[b + 2], A[b + 6], A[b + 5]
  if not p or (email ~= '' and not has(p.e, email)) or (first ~= '' and not has(p.f, first)) then return false end
  for j = b + 3, b + 4 do if A[j] ~= '' and not has(p.p, A[j]) then return false end end
  return weak == '' or (has(p.w, weak) and has(split(look(3, weak) or ''), x))
end
local function resolve(i)
  local b = (i - 1) * 8
  local x, missed, email, weak = nil, false, A[b + 2], A[b + 5]
  if email ~= '' then x = look(1, email); missed = not x end
  for j = b + 3, b + 4 do
    if A[j] ~= '' then
      local y = look(2, A[j])
      if not y then missed = true
      elseif not x then x = y
      elseif y ~= x then return resolveFull(contact(i)) end
    end
  end
  if x and not missed and known(b, x) then return x, email ~= '' and 1 or 2 end
  return resolveFull(contact(i))
end
-- A contact none of whose keys anyone has (the batch's keys are all prefetched: never nil) is a
-- new customer with the profile packed for it, decided inline: the calls of resolve() and of
-- look() and put() per key cost Redis more than the decision.
local ids, hows = {}, {}
local I1, I2, I3, O1, O2, O3 = idx[1], idx[2], idx[3], idxOrder[1], idxOrder[2], idxOrder[3]
local P, sub = ARGV[4], string.sub
for i = 1, N do
  local b = (i - 1) * 8
  local email, p1, p2, weak = A[b + 2], A[b + 3], A[b + 4], A[b + 5]
  if (email == '' or not I1[email]) and (p1 == '' or not I2[p1]) and (p2 == '' or not I2[p2])
    and (weak == '' or not I3[weak]) then
    local id = A[b + 1]
    prof[id] = nil; raw[id] = sub(P, A[b + 7], A[b + 8])
    if profDirty[id] then getProf(id) end
    if not fresh[id] then fresh[id] = true; fresh[#fresh + 1] = id end
    if email ~= '' then I1[email] = id; O1[#O1 + 1] = email end
    if p1 ~= '' then I2[p1] = id; O2[#O2 + 1] = p1 end
    if p2 ~= '' and not I2[p2] then I2[p2] = id; O2[#O2 + 1] = p2 end
    if weak ~= '' then I3[weak] = id; O3[#O3 + 1] = weak end
    ids[i], hows[i] = id, 0
  else
    ids[i], hows[i] = resolve(i)
  end
end
local out = {}
for i = 1, N do
  local id = ids[i]
  while fwd[id] do id = fwd[id] end
  out[#out + 1] = id
  out[#out + 1] = hows[i]
end
local function hset(key, args)
  for s = 1, #args, 1000 do redis.call('HSET', key, unpack(args, s, math.min(#args, s + 999))) end
end
for k = 1, 3 do
  local args, o = {}, idxOrder[k]
  for i = 1, #o do args[#args + 1] = o[i]; args[#args + 1] = idx[k][o[i]] end
  hset(KEYS[k], args)
end
local pargs = {}
for i = 1, #profOrder do
  local id = profOrder[i]
  if not gone[id] then pargs[#pargs + 1] = id; pargs[#pargs + 1] = cmsgpack.pack(prof[id]) end
end
for i = 1, #fresh do
  local id = fresh[i]
  if not gone[id] and not profDirty[id] then pargs[#pargs + 1] = id; pargs[#pargs + 1] = raw[id] end
end
hset(KEYS[4], pargs)
local dels = {}
for id in pairs(gone) do dels[#dels + 1] = id end
if #dels > 0 then redis.call('HDEL', KEYS[4], unpack(dels)) end
return {out, merges}
`;
