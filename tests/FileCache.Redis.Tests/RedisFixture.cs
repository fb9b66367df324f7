using FileCache.DependencyInjection;
using FileCache.Invalidation;
using FileCache.Redis.Coherence;
using FileCache.Redis.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Redis.Tests;

/// <summary>One server for a test class (embedded Garnet, or FILECACHE_REDIS); each test uses its own cluster name.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A node under test: its own service provider, cache, coherence node and folder.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private TestNode(ServiceProvider provider)
    {
        _provider = provider;
        Cache = provider.GetRequiredService<IFileCache>();
        Coherence = provider.GetRequiredService<IRedisCoherence>();
    }

    public IFileCache Cache { get; }

    public IRedisCoherence Coherence { get; }

    public IServiceProvider Services => _provider;

    internal RedisCoherenceNode Node => (RedisCoherenceNode)Coherence;

    public static async Task<TestNode> StartAsync(RedisTestServer server, string cluster, string root, Action<RedisCoherenceOptions>? configure = null, TimeProvider? time = null, bool start = true, Action<RedisCoherenceNode>? beforeStart = null, Action<FileCacheOptions>? configureCache = null, Action<IFileCacheBuilder>? configureBuilder = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton<IDistributedCache>(_ => new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions { Configuration = server.Configuration })));
        var builder = services.AddFileCache(o =>
        {
            o.AddProject("p", root);
            o.Invalidation.Mode = ValidationMode.None;   // no watcher: only the cluster tells this node about changes
            o.Memory.AdaptToPressure = false;
            configureCache?.Invoke(o);
        });
        configureBuilder?.Invoke(builder);
        builder.AddRedisCoherence(server.Configuration, o =>
        {
            o.ClusterName = cluster;
            o.LeaseDuration = TimeSpan.FromSeconds(5);
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.AcknowledgementTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });
        var node = new TestNode(services.BuildServiceProvider());
        beforeStart?.Invoke(node.Node);
        if (start)
        {
            await node.Coherence.StartAsync();
        }

        return node;
    }

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();
}

internal static class Eventually
{
    /// <summary>Waits (real time, bounded) for a condition another thread makes true; fails the test when it never does.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(10);
        }
    }
}

/// <summary>A temporary folder with files.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "fc-redis-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Write(string name, string text, DateTime? lastWrite = null)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (lastWrite is { } stamp)
        {
            File.SetLastWriteTimeUtc(path, stamp);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
