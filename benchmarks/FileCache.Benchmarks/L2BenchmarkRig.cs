using FileCache.Redis;
using FileCache.Redis.Testing;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace FileCache.Benchmarks;

/// <summary>
/// The set-up <see cref="DistributedBenchmarks"/> and <see cref="PeersBenchmarks"/> share: a server (embedded Garnet, or
/// the one FILECACHE_REDIS names), one 16 KiB file in a temporary folder, a plain cache that keeps it (the hit rows'
/// baseline), and three readers of it that never keep it (<c>MaxEntryBytes</c> 1 KiB), so each of their reads is a miss
/// through the load pipeline: a plain cache (the disk), a FileCache node with the L2 on, and HybridCache over
/// Microsoft.Extensions.Caching.StackExchangeRedis against the same server (L2 only). Build it in a field first, then
/// <see cref="StartAsync"/>: <see cref="DisposeAsync"/> disposes whatever was built and never throws, so a set-up that
/// failed half-way (or a part whose disposal fails) cannot cost a benchmark its row.
/// </summary>
public sealed class L2BenchmarkRig(string name, string path) : IAsyncDisposable
{
    /// <summary>The project every cache of the rig serves.</summary>
    public const string Project = "p";

    private static readonly HybridCacheEntryOptions L2Only = new() { Flags = HybridCacheEntryFlags.DisableLocalCache };
    private readonly List<ServiceProvider> _nodes = [];
    private string? _root;
    private ServiceProvider? _hybridProvider;

    /// <summary>Gets the file's path in <see cref="Project"/>.</summary>
    public string Path { get; } = path;

    /// <summary>Gets the file's bytes.</summary>
    public byte[] Bytes { get; } = CreateBytes();

    /// <summary>Gets the folder of <see cref="Project"/>.</summary>
    public string Root => _root ?? throw new InvalidOperationException("The rig is not started.");

    /// <summary>Gets the server.</summary>
    public RedisTestServer Server { get; private set; } = null!;

    /// <summary>Gets a plain cache (no layer) that keeps the file, read once.</summary>
    public IFileCache Plain { get; private set; } = null!;

    /// <summary>Gets the file's key in <see cref="Plain"/>.</summary>
    public FileKey PlainKey { get; private set; }

    /// <summary>Gets a plain cache that refuses to keep the file: each read is a disk read.</summary>
    public IFileCache Disk { get; private set; } = null!;

    /// <summary>Gets a node with the L2 on that refuses to keep the file: each read asks the L2 (filled by a first read).</summary>
    public IFileCache L2 { get; private set; } = null!;

    /// <summary>Gets HybridCache over StackExchangeRedis against the same server, holding the file's bytes.</summary>
    public HybridCache Hybrid { get; private set; } = null!;

    /// <summary>Writes the file, starts the server and builds every reader; fails when the L2 node did not hit its L2.</summary>
    /// <returns>A task.</returns>
    public async Task StartAsync()
    {
        _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fc-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(_root);
        string full = System.IO.Path.Combine(_root, Path);
        await File.WriteAllBytesAsync(full, Bytes);
        File.SetLastWriteTimeUtc(full, DateTime.UtcNow.AddMinutes(-10));

        var plain = new FileCacheOptions();
        plain.AddProject(Project, _root);
        Plain = FileCacheFactory.Create(plain);
        PlainKey = Plain.CreateKey(Project, Path);
        await Plain.ReadAsync(PlainKey);

        var disk = new FileCacheOptions { MaxEntryBytes = 1024 };
        disk.AddProject(Project, _root);
        Disk = FileCacheFactory.Create(disk);

        Server = await RedisTestServer.StartAsync();
        var (l2, coherence) = await StartNodeAsync(useL2: true, maxEntryBytes: 1024);
        L2 = l2;
        await L2.ReadAsync(Project, Path);
        await L2.ReadAsync(Project, Path);
        if (coherence.GetStatus().L2Hits == 0)
        {
            throw new InvalidOperationException("The L2 node did not hit its L2: the benchmark would measure something else.");
        }

        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = Server.Configuration);
        services.AddHybridCache();
        _hybridProvider = services.BuildServiceProvider();
        Hybrid = _hybridProvider.GetRequiredService<HybridCache>();
        await Hybrid.SetAsync(Path, Bytes);
    }

    /// <summary>Starts another node of the rig's cluster (disposed with the rig).</summary>
    /// <param name="useL2">Whether the node uses the L2.</param>
    /// <param name="maxEntryBytes">The cache's <c>MaxEntryBytes</c>.</param>
    /// <param name="checkLeaseOnHit">Whether hits check the read lease (the internal switch the cluster tests' broken build uses).</param>
    /// <returns>The node's cache and coherence.</returns>
    public async Task<(IFileCache Cache, IRedisCoherence Coherence)> StartNodeAsync(bool useL2, int? maxEntryBytes, bool checkLeaseOnHit = true)
    {
        var services = new ServiceCollection();
        services.AddStackExchangeRedisCache(o => o.Configuration = Server.Configuration);
        services.AddFileCache(o =>
        {
            o.AddProject(Project, Root);
            o.MaxEntryBytes = maxEntryBytes;
        }).AddRedisCoherence(Server.Configuration, o =>
        {
            o.ClusterName = $"{name}-{Environment.ProcessId}";
            o.UseL2 = useL2;
            o.CheckLeaseOnHit = checkLeaseOnHit;
        });
        var provider = services.BuildServiceProvider();
        _nodes.Add(provider);
        var coherence = provider.GetRequiredService<IRedisCoherence>();
        await coherence.StartAsync();
        return (provider.GetRequiredService<IFileCache>(), coherence);
    }

    /// <summary>A disk read of the file.</summary>
    /// <returns>Its length.</returns>
    public async Task<int> ReadFromDiskAsync() => (await Disk.ReadAsync(Project, Path)).Length;

    /// <summary>A read of the file the L2 serves.</summary>
    /// <returns>Its length.</returns>
    public async Task<int> ReadFromL2Async() => (await L2.ReadAsync(Project, Path)).Length;

    /// <summary>HybridCache's L2 hit of the same bytes.</summary>
    /// <returns>Their length.</returns>
    public async Task<int> ReadFromHybridL2Async() =>
        (await Hybrid.GetOrCreateAsync(Path, static _ => ValueTask.FromResult(Array.Empty<byte>()), L2Only)).Length;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Every part that was built, each on its own: one failing does not keep the others (or the row) from their end.
        Attempt("the plain cache", () => Plain?.Dispose());
        Attempt("the disk cache", () => Disk?.Dispose());
        foreach (var node in _nodes)
        {
            await AttemptAsync("a node", node.DisposeAsync);
        }

        if (_hybridProvider is not null)
        {
            await AttemptAsync("HybridCache", _hybridProvider.DisposeAsync);
        }

        if (Server is not null)
        {
            await AttemptAsync("the server", Server.DisposeAsync);
        }

        Attempt("the folder", () =>
        {
            if (_root is not null && Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        });
    }

    /// <summary>Runs one clean-up step; a failure is reported on the benchmark's output, not thrown.</summary>
    /// <param name="what">What the step disposes.</param>
    /// <param name="step">The step.</param>
    public static void Attempt(string what, Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex)
        {
            Console.WriteLine($"// clean-up of {what} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Like <see cref="Attempt"/>, for an asynchronous step.</summary>
    /// <param name="what">What the step disposes.</param>
    /// <param name="step">The step.</param>
    /// <returns>A task.</returns>
    public static async Task AttemptAsync(string what, Func<ValueTask> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex)
        {
            Console.WriteLine($"// clean-up of {what} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static byte[] CreateBytes()
    {
        byte[] bytes = new byte[16 * 1024];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
