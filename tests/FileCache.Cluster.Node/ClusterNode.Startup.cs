using System.Globalization;
using FileCache.DependencyInjection;
using FileCache.Invalidation;
using FileCache.Peers;
using FileCache.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FileCache.Cluster.Node;

/// <summary>The node's set-up: the cache, the cluster's coherence and L2 when a server is given, the peer layer on a web host when a peer port is.</summary>
internal sealed partial class ClusterNode
{
    /// <summary>The key every harness node signs its peer calls with.</summary>
    private static readonly byte[] s_peerKey = [.. Enumerable.Range(1, 32).Select(static i => (byte)i)];

    public static async Task<ClusterNode> StartAsync(NodeArguments args)
    {
        // With a peer layer the node is a web host (its peer endpoint on Kestrel); otherwise a plain service provider.
        WebApplicationBuilder? web = null;
        IServiceCollection services;
        if (args.PeersListen != 0)
        {
            web = WebApplication.CreateSlimBuilder();
            web.Logging.ClearProviders();
            web.WebHost.UseUrls($"http://127.0.0.1:{args.PeersListen}");
            services = web.Services;
        }
        else
        {
            services = new ServiceCollection();
        }

        ClusterNode? node = null;
        IFileCacheBuilder builder = services.AddFileCache(options =>
        {
            options.Name = args.Name;
            options.Invalidation.Mode = args.Watch ? ValidationMode.Watch : ValidationMode.None;

            // A storm is recognized in its first debounced batch (StormThreshold events), then held until it pauses for a
            // tenth of StormMaxDelay: on a two-core machine shared with three nodes and their readers, the watcher's events
            // arrive in bursts, so both are wider here than the defaults (20 ms, 1 s).
            options.Invalidation.WatcherDebounce = TimeSpan.FromMilliseconds(500);
            options.Invalidation.StormMaxDelay = TimeSpan.FromSeconds(10);
            options.AddProject(Project, args.Root);
        });
        if (args.Server is { } server)
        {
            if (args.UseL2)
            {
                services.AddStackExchangeRedisCache(options => options.Configuration = server + ",abortConnect=false,connectTimeout=1000");
            }

            builder.AddRedisCoherence(server + ",abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000", options =>
            {
                options.ClusterName = args.Cluster;
                options.NodeId = args.Name;
                options.LeaseDuration = args.Lease;
                options.PollInterval = args.Poll;
                options.AcknowledgementTimeout = args.AckTimeout;
                options.RevalidationInterval = args.Revalidation;
                options.UseL2 = args.UseL2;
                if (args.NoLeaseCheck)
                {
                    SetOption(options, "CheckLeaseOnHit", "false");
                }

                options.AdvertisedAddress = args.PeersListen != 0 ? args.PeersAdvertise ?? $"http://127.0.0.1:{args.PeersListen}" : null;
                foreach ((string name, string value) in args.Options)
                {
                    SetOption(options, name, value);
                }
            });
        }

        if (web is not null)
        {
            builder.AddPeers(options =>
            {
                options.SharedKey = s_peerKey;
                options.RequestTimeout = args.PeersTimeout;
                options.ConnectTimeout = args.PeersTimeout / 2;
                options.CatchUpTimeout = args.PeersTimeout / 3;
                options.MembershipRefreshInterval = TimeSpan.FromMilliseconds(200);
                if (args.PeersStatic is { } view)
                {
                    options.NodeId = args.Name;
                    foreach (string member in view.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        string[] parts = member.Split('=', 2);
                        options.Members.Add(new PeerNode(parts[0], new Uri(parts[1])));
                    }
                }
                else
                {
                    options.UseClusterMembership = true;
                }
            });
        }

        // After every other stage: what reaches it is a read of the disk.
        builder.UseLoadStage(async (context, next) =>
        {
            Interlocked.Increment(ref node!._diskLoads);
            await next(context);
        });

        if (web is not null)
        {
            WebApplication app = web.Build();
            app.MapFileCachePeers();
            node = new ClusterNode(args, app.Services, app);
        }
        else
        {
            ServiceProvider provider = ((ServiceCollection)services).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            node = new ClusterNode(args, provider, provider);
        }

        if (node._coherence is { } coherence)
        {
            await coherence.StartAsync();
        }

        if (node._host is WebApplication started)
        {
            await started.StartAsync();
        }

        return node;
    }

    private static void SetOption(RedisCoherenceOptions options, string name, string value)
    {
        System.Reflection.PropertyInfo property = typeof(RedisCoherenceOptions).GetProperty(name, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            ?? throw new ArgumentException($"RedisCoherenceOptions has no property '{name}'.", nameof(name));
        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        object parsed = type == typeof(TimeSpan) ? TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture))
            : type.IsEnum ? Enum.Parse(type, value)
            : Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        property.SetValue(options, parsed);
    }
}
