using System.Diagnostics;
using Xunit.Abstractions;

namespace FileCache.Peers.Tests.Placement;

public sealed class PlacementTests(ITestOutputHelper output)
{
    private const int Keys = 200_000;

    // Fixed vectors: owners (best first, 2 replicas) of keys over five nodes, one of weight 2. Computed once and checked
    // in: any change to the hash, the score or the tie-breaking shows here, and the child process must agree.
    private const string Nodes = "node-a,node-b,node-c=2,node-d,node-e";

    private static readonly (string Project, string Path, string Owners)[] s_vectors =
    [
        ("p", "a.txt", "node-b,node-d"),
        ("p", "src/main.cs", "node-a,node-b"),
        ("repo", "docs/README.md", "node-b,node-e"),
        ("repo", "src/module7/dir3/file1234.cs", "node-a,node-b"),
        ("web", "assets/site.css", "node-e,node-c"),
        ("web", "assets/app.js", "node-d,node-e"),
        ("web", "index.html", "node-d,node-b"),
        ("repo", "ünïcödé/файл.txt", "node-a,node-b"),
        ("p", "deep/a/b/c/d/e/f/g.txt", "node-a,node-c"),
        ("x", "y", "node-c,node-e"),
        ("repo", "src/module1/dir1/file1.cs", "node-a,node-c"),
        ("repo", "src/module2/dir2/file2.cs", "node-e,node-d"),
    ];

    private static PeerNode Node(string id, double weight = 1) => new(id, new Uri("http://127.0.0.1/"), weight);

    private static PeerPlacement ParseNodes(string nodes) => new(nodes.Split(',').Select(n =>
    {
        string[] parts = n.Split('=');
        return Node(parts[0], parts.Length > 1 ? double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1);
    }));

    private static string PathKey(int i) => $"src/module{i % 97}/dir{i % 13}/file{i}.cs";

    [Fact]
    public void GetOwners_FixedVectors_MatchCheckedInValues()
    {
        var placement = ParseNodes(Nodes);
        Assert.NotEmpty(s_vectors);
        foreach (var (project, path, owners) in s_vectors)
        {
            Assert.Equal(owners, string.Join(',', placement.GetOwners(project, path, 2).Select(o => o.Id)));
        }
    }

    [Fact]
    public async Task GetOwners_FixedVectors_SameInChildProcess()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "FileCache.Cluster.Node.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("placement");
        start.ArgumentList.Add(Nodes);
        start.ArgumentList.Add("2");
        using var process = Process.Start(start)!;
        foreach (var (project, path, _) in s_vectors)
        {
            await process.StandardInput.WriteLineAsync($"{project}\t{path}");
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string all = await process.StandardOutput.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        string[] lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(s_vectors.Length, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.Equal(s_vectors[i].Owners, lines[i].TrimEnd('\r'));
        }
    }

    [Fact]
    public void GetOwners_NodesInAnyOrder_SameOwners()
    {
        var a = new PeerPlacement([Node("x"), Node("y"), Node("z"), Node("w")]);
        var b = new PeerPlacement([Node("w"), Node("z"), Node("x"), Node("y")]);
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(a.GetOwners("p", PathKey(i), 3).Select(o => o.Id), b.GetOwners("p", PathKey(i), 3).Select(o => o.Id));
        }
    }

    [Fact]
    public void Constructor_DuplicateIds_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PeerPlacement([Node("x"), Node("x")]));
        Assert.Equal("nodes", ex.ParamName);
    }

    [Fact]
    public void GetOwner_NoNodes_Null() => Assert.Null(new PeerPlacement([]).GetOwner("p", "a.txt"));

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void GetOwner_200000PathKeys_BusiestWithin3PercentOfMean(int n)
    {
        var placement = new PeerPlacement(Enumerable.Range(0, n).Select(i => Node($"node-{i}")));
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < Keys; i++)
        {
            string owner = placement.GetOwner("repo", PathKey(i))!.Id;
            counts[owner] = counts.GetValueOrDefault(owner) + 1;
        }

        double mean = Keys / (double)n;
        double busiest = counts.Values.Max() / mean;
        output.WriteLine($"{n} nodes: busiest {busiest:F4}x the mean, idlest {counts.Values.Min() / mean:F4}x");
        Assert.Equal(n, counts.Count);
        Assert.True(busiest <= 1.03, $"busiest node {busiest:F4}x the mean at {n} nodes");
    }

    [Fact]
    public void GetOwner_WeightTwo_OwnsAboutTwiceTheKeys()
    {
        var placement = new PeerPlacement([Node("a"), Node("b"), Node("c", 2)]);
        int c = 0;
        for (int i = 0; i < Keys; i++)
        {
            c += placement.GetOwner("repo", PathKey(i))!.Id == "c" ? 1 : 0;
        }

        double share = c / (double)Keys;
        output.WriteLine($"weight 2 of 4: share {share:F4}");
        Assert.InRange(share, 0.49, 0.51);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    public void GetOwner_RemoveNode_MovesExactlyItsKeys(int n)
    {
        var nodes = Enumerable.Range(0, n).Select(i => Node($"node-{i}")).ToList();
        var before = new PeerPlacement(nodes);
        var after = new PeerPlacement(nodes.Where(x => x.Id != "node-1"));
        int moved = 0, owned = 0;
        for (int i = 0; i < Keys; i++)
        {
            string was = before.GetOwner("repo", PathKey(i))!.Id;
            string now = after.GetOwner("repo", PathKey(i))!.Id;
            owned += was == "node-1" ? 1 : 0;
            if (was != now)
            {
                moved++;
                Assert.Equal("node-1", was);
            }
        }

        output.WriteLine($"{n} nodes, one removed: {moved} keys moved, {owned} were its keys");
        Assert.Equal(owned, moved);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(9)]
    public void GetOwner_AddNode_MovesAboutOneOverNPlusOne(int n)
    {
        var nodes = Enumerable.Range(0, n).Select(i => Node($"node-{i}")).ToList();
        var before = new PeerPlacement(nodes);
        var after = new PeerPlacement([.. nodes, Node("newcomer")]);
        int moved = 0;
        for (int i = 0; i < Keys; i++)
        {
            string was = before.GetOwner("repo", PathKey(i))!.Id;
            string now = after.GetOwner("repo", PathKey(i))!.Id;
            if (was != now)
            {
                moved++;
                Assert.Equal("newcomer", now);
            }
        }

        double share = moved / (double)Keys;
        double expected = 1.0 / (n + 1);
        output.WriteLine($"{n} nodes + 1: {share:F4} of the keys moved (1/(N+1) = {expected:F4})");
        Assert.InRange(share, expected * 0.97, expected * 1.03);
    }
}
