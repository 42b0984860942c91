// The Lua scripts of the Redis backend. Each runs atomically inside Redis, so any number of gateway
// instances see one consistent counter; they mirror rate-math.ts. Numbers come back as integers
// (Redis truncates Lua numbers in replies), hence the explicit floor/ceil.

/**
 * The two algorithms as Lua functions over a state table (`stored` reads one from a hash): one
 * source for the single-rule scripts and CONSUME_ALL. Expects ARGV[1] to be the clock (`now`).
 */
const RATE_FUNCTIONS = `
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
`;

/** Token bucket. KEYS[1]; ARGV: now, limit, windowMs, capacity, cost → allowed, limit, remaining, resetMs, retryAfterMs. */
export const TOKEN_BUCKET = `${RATE_FUNCTIONS}
local st, result, ttl = bucket(stored(KEYS[1], 0), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], 't', tostring(st.t), 'a', tostring(st.a))
redis.call('PEXPIRE', KEYS[1], ttl)
return result
`;

/** Sliding window counter. KEYS[1]; ARGV: now, limit, windowMs, cost → allowed, limit, remaining, resetMs, retryAfterMs. */
export const SLIDING_WINDOW = `${RATE_FUNCTIONS}
local st, result, ttl = slide(stored(KEYS[1], 1), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 's', st.s, 'c', st.c, 'p', st.p)
redis.call('PEXPIRE', KEYS[1], ttl)
return result
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
 * All or nothing over several rules: the algorithms of RATE_FUNCTIONS, run
 * on tentative copies (items sharing a key see each other), then written only if every item admits.
 * KEYS: one per item; ARGV: now, then per item algorithm (0 token bucket, 1 sliding window), limit,
 * windowMs, capacity, cost → allowed, then per item allowed, limit, remaining, resetMs, retryAfterMs.
 */
export const CONSUME_ALL = `${RATE_FUNCTIONS}
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
