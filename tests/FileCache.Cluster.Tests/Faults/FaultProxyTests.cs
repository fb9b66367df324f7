using System.Diagnostics;
using FileCache.Cluster.Tests.Servers;
using StackExchange.Redis;

namespace FileCache.Cluster.Tests.Faults;

/// <summary>Each fault of the proxy, seen by a real client through it against the cluster server.</summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    private ClusterServer _server = null!;
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = await ClusterServer.StartAsync();
        _proxy = new FaultProxy(_server.EndPoint);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task NoFault_CommandsPassThrough()
    {
        await using ConnectionMultiplexer redis = await ConnectThroughProxyAsync();
        IDatabase db = redis.GetDatabase();
        await db.StringSetAsync("k", "v");
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        Assert.Equal(3L, (long)await db.ScriptEvaluateAsync("return 1 + 2"));
    }

    [Fact]
    public async Task Latency_EachRoundTripTakesAtLeastTwiceIt()
    {
        await using ConnectionMultiplexer redis = await ConnectThroughProxyAsync();
        _proxy.Latency = TimeSpan.FromMilliseconds(100);
        long start = Stopwatch.GetTimestamp();
        await redis.GetDatabase().PingAsync();
        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(190), $"{Stopwatch.GetElapsedTime(start)}");
    }

    [Fact]
    public async Task BlackHole_CommandsStallUntilHealed()
    {
        await using ConnectionMultiplexer redis = await ConnectThroughProxyAsync();
        IDatabase db = redis.GetDatabase();
        await db.StringSetAsync("k", "before");
        _proxy.BlackHole();
        Task<RedisValue> stalled = db.StringGetAsync("k");
        await Task.Delay(300);
        Assert.False(stalled.IsCompleted);
        _proxy.Heal();
        Assert.Equal("before", (string?)await stalled.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ResetAll_DropsTheConnectionAndTheClientReconnects()
    {
        await using ConnectionMultiplexer redis = await ConnectThroughProxyAsync();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        redis.ConnectionFailed += (_, _) => failed.TrySetResult();
        _proxy.ResetAll();
        await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitForAsync(async () =>
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisException)
            {
                return false;
            }
        });
    }

    [Fact]
    public async Task RefuseNew_NewConnectionsFail()
    {
        _proxy.RefuseNew = true;
        await using ConnectionMultiplexer redis = await ConnectThroughProxyAsync();
        Assert.False(redis.IsConnected);
    }

    [Fact]
    public async Task CorruptLargeReplies_ALargeValueComesBackChanged()
    {
        await using ConnectionMultiplexer redis = await ConnectThroughProxyAsync();
        IDatabase db = redis.GetDatabase();
        byte[] value = Payload.Create("big", 7, "test", 16 * 1024);
        await db.StringSetAsync("big", value);
        _proxy.CorruptLargeReplies = true;
        byte[]? back = await db.StringGetAsync("big");
        Assert.NotNull(back);
        Assert.NotEqual(value, back);
        Assert.True(_proxy.Corrupted > 0);
        (long version, string declared, string actual) = Payload.Inspect(back);
        Assert.Equal(7, version);
        Assert.NotEqual(declared, actual);
    }

    [Fact]
    public async Task DropPubSub_SubscriberMissesMessagesWhileCommandsStillWork()
    {
        await using ConnectionMultiplexer redis = await ConnectThroughProxyAsync();
        await using ConnectionMultiplexer direct = await _server.ConnectAsync();
        var received = new List<string>();
        ISubscriber subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("bell"), (_, message) =>
        {
            lock (received)
            {
                received.Add(message!);
            }
        });
        await direct.GetSubscriber().PublishAsync(RedisChannel.Literal("bell"), "one");
        await WaitForAsync(() => Task.FromResult(Count(received) == 1));

        _proxy.DropPubSub = true;
        await direct.GetSubscriber().PublishAsync(RedisChannel.Literal("bell"), "two");
        await redis.GetDatabase().StringSetAsync("k", "v");
        Assert.Equal("v", (string?)await redis.GetDatabase().StringGetAsync("k"));
        await Task.Delay(300);
        Assert.Equal(1, Count(received));
        Assert.True(_proxy.DroppedPushes > 0);
    }

    [Fact]
    public async Task RestartEmpty_KeysAreGoneAndClientsReconnect()
    {
        await using ConnectionMultiplexer redis = await _server.ConnectAsync();
        await redis.GetDatabase().StringSetAsync("k", "v");
        await _server.RestartEmptyAsync();
        await WaitForAsync(async () =>
        {
            try
            {
                return !await redis.GetDatabase().KeyExistsAsync("k");
            }
            catch (RedisException)
            {
                return false;
            }
        });
    }

    private static int Count(List<string> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "condition not met within 15 s");
            await Task.Delay(50);
        }
    }

    private Task<ConnectionMultiplexer> ConnectThroughProxyAsync() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { _proxy.EndPoint },
        AbortOnConnectFail = false,
        ConnectTimeout = 1000,
        AsyncTimeout = 30000,
        SyncTimeout = 30000,
    });
}
