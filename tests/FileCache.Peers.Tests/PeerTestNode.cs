using System.Security.Cryptography;
using FileCache.Cluster;
using FileCache.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FileCache.Peers.Tests;

/// <summary>A membership the test sets (every node of a test shares one, or each gets its own to disagree).</summary>
public sealed class TestMembership : IPeerMembership
{
    private IReadOnlyList<PeerNode> _members = [];

    public IReadOnlyList<PeerNode> Members => Volatile.Read(ref _members);

    public void Set(IEnumerable<PeerNode> members) => Volatile.Write(ref _members, [.. members]);
}

/// <summary>A cluster membership the test drives: the applied sequence, and whether catching up succeeds.</summary>
public sealed class TestCluster : IClusterMembership
{
    public string NodeId { get; init; } = "test";

    public long AppliedSequence { get; set; }

    public bool IsHealthy => true;

    public Func<long, bool> CatchUp { get; set; } = _ => false;

    private int _catchUpCalls;

    public int CatchUpCalls => Volatile.Read(ref _catchUpCalls);

    public ValueTask<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken = default) => new([]);

    public ValueTask<bool> CatchUpAsync(long sequence, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _catchUpCalls);
        if (CatchUp(sequence))
        {
            AppliedSequence = Math.Max(AppliedSequence, sequence);
        }

        return new(AppliedSequence >= sequence);
    }
}

/// <summary>
/// One node in the test process: a FileCache over a shared folder, the peer layer, its endpoint on Kestrel at
/// 127.0.0.1 on a free port, and a stage after the peer stage that counts reads that reach the source (disk loads).
/// </summary>
public sealed class PeerTestNode : IAsyncDisposable
{
    public static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private readonly WebApplication _app;
    private int _diskLoads;

    private PeerTestNode(WebApplication app, string id)
    {
        _app = app;
        Id = id;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public string Id { get; }

    public Uri Address { get; }

    public PeerNode Node => new(Id, Address);

    public IServiceProvider Services => _app.Services;

    public IFileCache Cache => _app.Services.GetRequiredService<IFileCache>();

    public IFileCachePeers Peers => _app.Services.GetRequiredService<IFileCachePeers>();

    public int DiskLoads => Volatile.Read(ref _diskLoads);

    /// <summary>Awaited by the counting stage before each disk read (a slow disk), when set.</summary>
    public Func<Task>? BeforeDiskRead { get; set; }

    public static async Task<PeerTestNode> StartAsync(string id, string root, IPeerMembership membership, Action<PeerOptions>? configure = null,
        bool map = true, Action<IServiceCollection>? services = null, Action<FileCacheOptions>? cache = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        services?.Invoke(builder.Services);
        PeerTestNode? node = null;
        builder.Services.AddFileCache(o =>
            {
                o.MaxBytes = 64L * 1024 * 1024;
                o.AddProject("p", root);
                cache?.Invoke(o);
            })
            .AddPeers(o =>
            {
                o.NodeId = id;
                o.SharedKey = Key;
                o.MembershipFactory = _ => membership;
                // Generous: a loaded CI machine must not turn an owner's answer into a local load (tests of timeouts set their own).
                o.ConnectTimeout = TimeSpan.FromSeconds(5);
                o.RequestTimeout = TimeSpan.FromSeconds(10);
                o.CatchUpTimeout = TimeSpan.FromMilliseconds(300);
                configure?.Invoke(o);
            })
            .UseLoadStage(async (context, next) =>
            {
                if (node!.BeforeDiskRead is { } before)
                {
                    await before();
                }

                Interlocked.Increment(ref node._diskLoads);
                await next(context);
            });
        var app = builder.Build();
        if (map)
        {
            app.MapFileCachePeers();
        }

        await app.StartAsync();
        node = new PeerTestNode(app, id);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A temp folder with files, deleted afterwards.</summary>
public sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "filecache-peers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        string full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return name;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
