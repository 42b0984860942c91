// The Lua scripts of the Redis backend. Each runs atomically inside Redis, so any number of gateway
// instances see one consistent counter; they mirror rate-math.ts. Numbers come back as integers
// (Redis truncates Lua numbers in replies), hence the explicit floor/ceil.

/** Token bucket. KEYS[1]; ARGV: now, limit, windowMs, capacity, cost → allowed, limit, remaining, resetMs, retryAfterMs. */
export const TOKEN_BUCKET = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local capacity = tonumber(ARGV[4])
local cost = tonumber(ARGV[5])
local rate = limit / window
local state = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = capacity; at = now end
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(capacity, tokens + elapsed * rate)
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
local reset = math.ceil((capacity - tokens) / rate)
local retry = 0
if allowed == 0 then
  if cost > capacity then retry = window else retry = math.ceil((cost - tokens) / rate) end
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.max(1, reset))
return {allowed, capacity, math.floor(tokens), reset, retry}
`;

/** Sliding window counter. KEYS[1]; ARGV: now, limit, windowMs, cost → allowed, limit, remaining, resetMs, retryAfterMs. */
export const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local w = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local start = now - (now % w)
local state = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
local s = tonumber(state[1])
local c = tonumber(state[2]) or 0
local p = tonumber(state[3]) or 0
if s ~= start then
  if s ~= nil and start - s == w then p = c else p = 0 end
  c = 0
end
local into = now - start
local estimate = p * (w - into) / w + c
local allowed = 0
if estimate + cost <= limit then allowed = 1; c = c + cost end
local used = estimate
if allowed == 1 then used = estimate + cost end
local untilEnd = w - into
local reset = 0
if c > 0 then reset = untilEnd + w elseif p > 0 then reset = untilEnd end
local retry = 0
if allowed == 0 then
  if cost > limit then retry = w
  else
    local room = limit - c - cost
    if room >= 0 and p > 0 then retry = math.max(1, math.ceil((1 - room / p) * w - into))
    elseif c == 0 then retry = untilEnd
    else retry = math.max(1, math.ceil(untilEnd + math.max(0, 1 - (limit - cost) / c) * w)) end
  end
end
redis.call('HSET', KEYS[1], 's', start, 'c', c, 'p', p)
redis.call('PEXPIRE', KEYS[1], 2 * w)
return {allowed, limit, math.max(0, math.floor(limit - used)), reset, retry}
`;

/** Fixed-window increment. KEYS[1]; ARGV: ttlMs, by → the new value; the TTL is set when the key is new. */
export const INCREMENT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return value
`;

/** Bounded increment. KEYS[1]; ARGV: ttlMs, by, max → applied (0/1), value. */
export const TRY_INCREMENT = `
local current = tonumber(redis.call('GET', KEYS[1])) or 0
local by = tonumber(ARGV[2])
local nextValue = current + by
if nextValue < 0 then nextValue = 0 end
if by > 0 and nextValue > tonumber(ARGV[3]) then return {0, current} end
redis.call('SET', KEYS[1], nextValue, 'PX', ARGV[1])
return {1, nextValue}
`;

/**
 * All or nothing over several rules: the two algorithms above as functions over a state table, run
 * on tentative copies (items sharing a key see each other), then written only if every item admits.
 * KEYS: one per item; ARGV: now, then per item algorithm (0 token bucket, 1 sliding window), limit,
 * windowMs, capacity, cost → allowed, then per item allowed, limit, remaining, resetMs, retryAfterMs.
 */
export const CONSUME_ALL = `
local now = tonumber(ARGV[1])
local function stored(key, algo)
  if algo == 0 then
    local h = redis.call('HMGET', key, 't', 'a')
    return {t = tonumber(h[1]), a = tonumber(h[2])}
  end
  local h = redis.call('HMGET', key, 's', 'c', 'p')
  return {s = tonumber(h[1]), c = tonumber(h[2]) or 0, p = tonumber(h[3]) or 0}
end
local function bucket(st, limit, window, capacity, cost)
  local rate = limit / window
  local tokens = st.t
  local at = st.a
  if tokens == nil then tokens = capacity; at = now end
  local elapsed = now - at
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(capacity, tokens + elapsed * rate)
  local allowed = 0
  if tokens >= cost then tokens = tokens - cost; allowed = 1 end
  local reset = math.ceil((capacity - tokens) / rate)
  local retry = 0
  if allowed == 0 then
    if cost > capacity then retry = window else retry = math.ceil((cost - tokens) / rate) end
  end
  return {t = tokens, a = now}, {allowed, capacity, math.floor(tokens), reset, retry}, math.max(1, reset)
end
local function slide(st, limit, w, cost)
  local start = now - (now % w)
  local s = st.s
  local c = st.c
  local p = st.p
  if s ~= start then
    if s ~= nil and start - s == w then p = c else p = 0 end
    c = 0
  end
  local into = now - start
  local estimate = p * (w - into) / w + c
  local allowed = 0
  if estimate + cost <= limit then allowed = 1; c = c + cost end
  local used = estimate
  if allowed == 1 then used = estimate + cost end
  local untilEnd = w - into
  local reset = 0
  if c > 0 then reset = untilEnd + w elseif p > 0 then reset = untilEnd end
  local retry = 0
  if allowed == 0 then
    if cost > limit then retry = w
    else
      local room = limit - c - cost
      if room >= 0 and p > 0 then retry = math.max(1, math.ceil((1 - room / p) * w - into))
      elseif c == 0 then retry = untilEnd
      else retry = math.max(1, math.ceil(untilEnd + math.max(0, 1 - (limit - cost) / c) * w)) end
    end
  end
  return {s = start, c = c, p = p}, {allowed, limit, math.max(0, math.floor(limit - used)), reset, retry}, 2 * w
end
local function run(st, b, cost)
  local algo = tonumber(ARGV[b])
  local limit = tonumber(ARGV[b + 1])
  local window = tonumber(ARGV[b + 2])
  if algo == 0 then return bucket(st, limit, window, tonumber(ARGV[b + 3]), cost) end
  return slide(st, limit, window, cost)
end
local tentative = {}
local ttls = {}
local algos = {}
local order = {}
local results = {}
local all = 1
for i = 1, #KEYS do
  local key = KEYS[i]
  local b = 2 + (i - 1) * 5
  local algo = tonumber(ARGV[b])
  local st = tentative[key]
  if st == nil then st = stored(key, algo); order[#order + 1] = key end
  local nextState, result, ttl = run(st, b, tonumber(ARGV[b + 4]))
  tentative[key] = nextState
  ttls[key] = ttl
  algos[key] = algo
  results[i] = result
  if result[1] == 0 then all = 0 end
end
if all == 1 then
  for _, key in ipairs(order) do
    local st = tentative[key]
    if algos[key] == 0 then redis.call('HSET', key, 't', tostring(st.t), 'a', tostring(st.a))
    else redis.call('HSET', key, 's', st.s, 'c', st.c, 'p', st.p) end
    redis.call('PEXPIRE', key, ttls[key])
  end
else
  for i = 1, #KEYS do
    if results[i][1] == 1 then
      local b = 2 + (i - 1) * 5
      local _, peek = run(stored(KEYS[i], tonumber(ARGV[b])), b, 0)
      peek[1] = 1
      peek[5] = 0
      results[i] = peek
    end
  end
end
local out = {all}
for i = 1, #KEYS do
  for j = 1, 5 do out[#out + 1] = results[i][j] end
end
return out
`;
