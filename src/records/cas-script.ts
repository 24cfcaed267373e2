/** The compare-and-set script of `RecordStore.writeMany` (records, change log, indexes). */
/*
 * Compare-and-set of a batch of records of one entity, plus one change log entry for the batch,
 * atomically. Records live in one hash per entity (id → stored body, `<version>|<JSON>`), so the
 * whole batch is one HMGET and one HSET instead of three commands per record, and the version
 * check reads the same field it writes.
 * New records (version 0 before) also join the entity's id index (a sorted set at score 0, walked
 * by ZRANGEBYLEX), in the same step, so a walk position is a record id that means the same after
 * a restart or failover (unlike an HSCAN cursor).
 * Access paths are kept in the same step: the by-date index (ZADD id at its date score, batched
 * per chunk like the id index; ZREM when it has none) and, for touch entities, the customer's
 * touches (member `<entity>:<id>` at its time; moved when the record's customer changed, the old
 * customer read from the old body).
 * KEYS[1] the tenant's change stream, KEYS[2] the records hash, KEYS[3] the id index, KEYS[4] the
 * entity's by-date index; touch keys are ARGV[6] .. customer id, in the tenant's slot.
 * ARGV[1] change log max length, ARGV[2] entity, ARGV[3] source connection id, ARGV[4] the
 * records as one MessagePack array, 6 items per record: id, expected version, stored body (already
 * carrying version expected + 1), customer id ('' none), touch time ms and date score (-1 none);
 * only the first 3 for an entity with neither index (customers: the 3 more cost an unpack of
 * thousands of values nobody reads);
 * ARGV[5] '1' when the entity has a by-date index, ARGV[6] the touch key prefix ('' when the
 * entity is not a touch entity), ARGV[7] the tenant's buyers set ('' unless the entity is sale:
 * every customer a sale is written for joins it, so a reader asks it which of thousands of
 * changed customers can have sales instead of reading each one's touches; a customer whose sales
 * moved to another stays, which costs that reader one empty read). One packed argument instead
 * of three per record: building and parsing thousands of protocol arguments cost the client and
 * Redis more than the data itself.
 * ARGV[8] '1' when a record of the batch is a merged customer (`mergedInto`), else '0': the log
 * entry's `m` field, so a reader that wants only merges of customers passes over the rest.
 * ARGV[9] the tenant's buyers set for a batch of customers ('' otherwise): the entry's `b` field
 * is '1' when a customer of the batch is in it (may have a sale), else '0', so a reader that
 * cares only about buyers' changes (the conversion deriver) passes over the others. A customer
 * who becomes a buyer later needs no re-read of this change: the sale's own change brings it.
 * Returns the 1-based indexes of records whose version did not match (those were not written);
 * a record named twice in one batch conflicts the second time.
 */
export const CAS_SCRIPT = `
local CHUNK = 500
local A = cmsgpack.unpack(ARGV[4])
local dated, touchPrefix, buyersKey = ARGV[5] == '1', ARGV[6], ARGV[7]
local buyers = {}
local W = (dated or touchPrefix ~= '') and 6 or 3
local n = #A / W
local conflicts, seen = {}, {}
local recs, rows, fresh, byDate, written = {}, {}, {}, {}, {}
local match = string.match
for s = 1, n, CHUNK do
  local e = math.min(n, s + CHUNK - 1)
  local ids = {}
  for i = s, e do ids[#ids + 1] = A[1 + (i - 1) * W] end
  local cur = redis.call('HMGET', KEYS[2], unpack(ids))
  for i = s, e do
    local a = 1 + (i - 1) * W
    local id = A[a]
    local body = cur[i - s + 1]
    local current = body and tonumber(match(body, '^(%d+)|')) or 0
    local expected = A[a + 1]
    if seen[id] or current ~= expected then
      conflicts[#conflicts + 1] = i
    else
      seen[id] = true
      recs[#recs + 1] = id
      recs[#recs + 1] = A[a + 2]
      rows[#rows + 1] = id .. '\\t' .. (expected + 1)
      written[#written + 1] = id
      if current == 0 then
        fresh[#fresh + 1] = 0
        fresh[#fresh + 1] = id
      end
      if dated then
        if A[a + 5] >= 0 then byDate[#byDate + 1] = A[a + 5]; byDate[#byDate + 1] = id
        elseif body then redis.call('ZREM', KEYS[4], id) end
      end
      if touchPrefix ~= '' then
        local c, member, old = A[a + 3], ARGV[2] .. ':' .. id, nil
        if body then
          local ok, decoded = pcall(cjson.decode, string.sub(body, #match(body, '^%d+|') + 1))
          if ok and type(decoded.c) == 'string' then old = decoded.c end
        end
        if old and old ~= c then redis.call('ZREM', touchPrefix .. old, member) end
        if c ~= '' then
          if buyersKey ~= '' then buyers[#buyers + 1] = c end
          if A[a + 4] >= 0 then redis.call('ZADD', touchPrefix .. c, A[a + 4], member)
          else redis.call('ZREM', touchPrefix .. c, member) end
        end
      end
    end
  end
end
for s = 1, #recs, 2 * CHUNK do
  redis.call('HSET', KEYS[2], unpack(recs, s, math.min(#recs, s + 2 * CHUNK - 1)))
end
for _, z in ipairs({{KEYS[3], fresh}, {KEYS[4], byDate}}) do
  for s = 1, #z[2], 2 * CHUNK do
    redis.call('ZADD', z[1], unpack(z[2], s, math.min(#z[2], s + 2 * CHUNK - 1)))
  end
end
for s = 1, #buyers, 2 * CHUNK do
  redis.call('SADD', buyersKey, unpack(buyers, s, math.min(#buyers, s + 2 * CHUNK - 1)))
end
if #rows > 0 then
  local entry = { 'e', ARGV[2], 's', ARGV[3], 'r', table.concat(rows, '\\n'), 'm', ARGV[8] }
  if ARGV[9] ~= '' then
    local buyer = '0'
    for s = 1, #written, CHUNK do
      local found = redis.call('SMISMEMBER', ARGV[9], unpack(written, s, math.min(#written, s + CHUNK - 1)))
      for _, f in ipairs(found) do if f == 1 then buyer = '1' end end
      if buyer == '1' then break end
    end
    entry[#entry + 1] = 'b'
    entry[#entry + 1] = buyer
  end
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(entry))
end
return conflicts
`;
