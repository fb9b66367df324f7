using StackExchange.Redis;

namespace FileCache.Redis.Internal;

/// <summary>
/// The Lua scripts: each is atomic on the server, names every key it touches in KEYS, and uses only what Redis 7, Valkey
/// and Garnet 2.2.8 all support (strings, hashes, sorted sets, PUBLISH, TIME; no Streams). A script that finds no
/// incarnation writes the candidate the caller passes (ARGV[1]) with the server's time, so a server that lost its data is
/// told apart and the age of its membership known.
/// </summary>
internal static class Scripts
{
    private const string EnsureIncarnation = """
        local inc = redis.call('GET', KEYS[1])
        if not inc then
          local it = redis.call('TIME')
          inc = ARGV[1] .. '@' .. (tonumber(it[1]) * 1000 + math.floor(tonumber(it[2]) / 1000))
          redis.call('SET', KEYS[1], inc)
        end
        """;

    private const string ServerNow = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    /// <summary>
    /// One invalidation: INCR the sequence, ZADD the entry scored by it, trim the log, tombstone the pointer (a key) or
    /// raise a barrier (wider requests), PUBLISH the doorbell. KEYS: incarnation, seq, log, pointers, barriers.
    /// ARGV: candidate incarnation, payload, max length, pointer field or '', barrier field or '', doorbell channel.
    /// Returns {incarnation, seq}.
    /// </summary>
    public const string Append = EnsureIncarnation + """

        local seq = redis.call('INCR', KEYS[2])
        redis.call('ZADD', KEYS[3], seq, seq .. ':' .. ARGV[2])
        local n = redis.call('ZCARD', KEYS[3])
        local max = tonumber(ARGV[3])
        if n > max then
          redis.call('ZREMRANGEBYRANK', KEYS[3], 0, n - max - 1)
        end
        if ARGV[4] ~= '' then
          redis.call('HSET', KEYS[4], ARGV[4], seq .. '|-')
        end
        if ARGV[5] ~= '' then
          redis.call('HSET', KEYS[5], ARGV[5], seq)
        end
        redis.call('PUBLISH', ARGV[6], seq)
        return {inc, seq}
        """;

    /// <summary>
    /// Reads the log after a sequence. KEYS: incarnation, seq, log. ARGV: candidate incarnation, after, limit.
    /// Returns {incarnation, current seq, entries...}.
    /// </summary>
    public const string Fetch = EnsureIncarnation + """

        local seq = redis.call('GET', KEYS[2]) or '0'
        local entries = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[2], '+inf', 'LIMIT', 0, tonumber(ARGV[3]))
        local out = {inc, seq}
        for i = 1, #entries do
          out[#out + 1] = entries[i]
        end
        return out
        """;

    /// <summary>
    /// Joins or renews a lease by the server's clock. KEYS: incarnation, members, applied, seq, addresses. ARGV: candidate
    /// incarnation, node, lease ms, applied seq or '' (kept), advertised address or '' (none). Returns {incarnation,
    /// previous expiry or -1, server now, current seq}.
    /// </summary>
    public const string Renew = EnsureIncarnation + "\n" + ServerNow + """

        local prev = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '-1')
        redis.call('HSET', KEYS[2], ARGV[2], now + tonumber(ARGV[3]))
        if ARGV[4] ~= '' then
          redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
        end
        if ARGV[5] ~= '' then
          redis.call('HSET', KEYS[5], ARGV[2], ARGV[5])
        end
        return {inc, tostring(prev), tostring(now), redis.call('GET', KEYS[4]) or '0'}
        """;

    /// <summary>
    /// The members whose lease has not expired by the server's clock, with the address each advertises. KEYS: members,
    /// addresses. Returns {node, address or '', node, address or '', ...}.
    /// </summary>
    public const string LiveMembers = ServerNow + """

        local all = redis.call('HGETALL', KEYS[1])
        local out = {}
        for i = 1, #all, 2 do
          if tonumber(all[i + 1]) > now then
            out[#out + 1] = all[i]
            out[#out + 1] = redis.call('HGET', KEYS[2], all[i]) or ''
          end
        end
        return out
        """;

    /// <summary>
    /// Records what a node applied and wakes acknowledgement waiters. KEYS: applied. ARGV: node, seq, channel.
    /// Only raises the recorded value (a late write never lowers it).
    /// </summary>
    public const string Acknowledge = """
        local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if tonumber(ARGV[2]) > cur then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        end
        redis.call('PUBLISH', ARGV[3], ARGV[2])
        return 1
        """;

    /// <summary>
    /// The live members that have not applied a sequence, by the server's clock. KEYS: incarnation, members, applied.
    /// ARGV: the incarnation the entry was appended in, the seq, forget-after ms, lease ms. Returns {'ok'|'incarnation',
    /// pending...}; members expired for longer than forget-after are removed. For one lease after the server started empty
    /// (the incarnation carries its birth time), the members are unknown: a node alive before the restart has either
    /// joined again (and is waited for) or let its lease lapse (and verifies every read) only once a lease has passed.
    /// </summary>
    public const string Pending = ServerNow + """

        local inc = redis.call('GET', KEYS[1])
        if inc ~= ARGV[1] then
          return {'incarnation'}
        end
        local out = {'ok'}
        local born = tonumber(string.match(inc, '@(%d+)$') or '0')
        if now - born < tonumber(ARGV[4]) then
          out[#out + 1] = '(members unknown: the server started less than a lease ago)'
        end
        local m = redis.call('HGETALL', KEYS[2])
        local seq = tonumber(ARGV[2])
        for i = 1, #m, 2 do
          local exp = tonumber(m[i + 1])
          if exp > now then
            local a = tonumber(redis.call('HGET', KEYS[3], m[i]) or '0')
            if a < seq then
              out[#out + 1] = m[i]
            end
          elseif exp + tonumber(ARGV[3]) < now then
            redis.call('HDEL', KEYS[2], m[i])
            redis.call('HDEL', KEYS[3], m[i])
          end
        end
        return out
        """;

    /// <summary>
    /// A file's pointer with what decides whether it holds. KEYS: pointers, barriers, seq. ARGV: field, project barrier.
    /// Returns {pointer or '', project barrier, global barrier, current seq, server now}.
    /// </summary>
    public const string GetPointer = ServerNow + """

        return {redis.call('HGET', KEYS[1], ARGV[1]) or '', redis.call('HGET', KEYS[2], ARGV[2]) or '0',
          redis.call('HGET', KEYS[2], '*') or '0', redis.call('GET', KEYS[3]) or '0', tostring(now)}
        """;

    /// <summary>
    /// Writes a pointer only if no invalidation of the file (its tombstone, a newer pointer, a barrier of its project or of
    /// all) has a sequence above the one the loader observed before it read: a slow loader never overwrites a newer
    /// pointer. KEYS: pointers, barriers. ARGV: field, project barrier, observed seq, value. Returns 1 if written.
    /// </summary>
    public const string SetPointer = ServerNow + """

        local observed = tonumber(ARGV[3])
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if cur then
          local s = tonumber(string.match(cur, '^(%d+)'))
          if s and s > observed then
            return 0
          end
        end
        if tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') > observed or tonumber(redis.call('HGET', KEYS[2], '*') or '0') > observed then
          return 0
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. '|' .. ARGV[4] .. '|' .. now)
        return 1
        """;

    public static RedisKey[] Keys(params RedisKey[] keys) => keys;
}
