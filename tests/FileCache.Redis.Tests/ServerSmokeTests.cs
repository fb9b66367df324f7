using FileCache.Redis.Testing;

namespace FileCache.Redis.Tests;

public sealed class ServerSmokeTests
{
    [Fact]
    public async Task Server_RunsLuaPubSubAndTime()
    {
        await using var server = await RedisTestServer.StartAsync();
        await using var connection = await server.ConnectAsync();
        var db = connection.GetDatabase();
        var result = await db.ScriptEvaluateAsync("redis.call('SET', KEYS[1], ARGV[1]); local t = redis.call('TIME'); return {redis.call('GET', KEYS[1]), t[1]}", ["smoke:k"], ["v"]);
        var values = (StackExchange.Redis.RedisResult[])result!;
        Assert.Equal("v", (string?)values[0]);
        Assert.True(long.Parse((string)values[1]!, System.Globalization.CultureInfo.InvariantCulture) > 1_600_000_000);
    }
}
