namespace FileCache.Tests.Invalidation;

/// <summary>The table a directory with many subdirectories keeps them in, against a model: adds, removes (tombstones), growth, case rules.</summary>
public sealed class ChildTableTests
{
    [Theory]
    [InlineData(StringComparison.Ordinal)]
    [InlineData(StringComparison.OrdinalIgnoreCase)]
    public void ManyAddsAndRemovals_FindsEveryLiveChildAndNoRemovedOne(StringComparison comparison)
    {
        var first = Enumerable.Range(0, 9).Select(i => Node(i)).ToArray();
        var table = new FileCache.Invalidation.ChildTable(first, comparison);
        var live = first.ToDictionary(n => n.Segment.ToString(), StringComparer.Ordinal);
        var random = new Random(11);
        for (int step = 0; step < 20_000; step++)
        {
            int n = random.Next(600);
            string segment = $"d{n}";
            if (live.TryGetValue(segment, out var node) && random.Next(2) == 0)
            {
                table.Remove(node);
                live.Remove(segment);
            }
            else if (node is null)
            {
                node = Node(n);
                table.Add(node);
                live.Add(segment, node);
            }

            if (step % 1_000 == 0)
            {
                Assert.Equal(live.Count, table.Count);
                Assert.Equal(live.Count, table.Children().Count());
                for (int i = 0; i < 600; i++)
                {
                    var found = table.Find($"d{i}");
                    Assert.Same(live.GetValueOrDefault($"d{i}"), found);
                }
            }
        }

        // The case rule of the project: another casing finds the child only when the project ignores case.
        var any = live.Values.First();
        Assert.Equal(comparison == StringComparison.OrdinalIgnoreCase ? any : null, table.Find(any.Segment.ToString().ToUpperInvariant()));
        Assert.Null(table.Find("\0"));
    }

    [Fact]
    public void ADirectoryPastEightChildren_MovesToATable_AndBackToAnArrayWhenFew()
    {
        var options = new FileCacheOptions { MaxBytes = 1L << 30, Memory = { AdaptToPressure = false } };
        options.AddProject("p", null);
        using var cache = new FileCache.Storage.DefaultFileCache(options, TimeProvider.System);
        for (int i = 0; i < 40; i++)
        {
            Assert.True(cache.Set(cache.CreateKey("p", $"top/d{i}/f.cs"), new byte[] { (byte)i }));
        }

        var top = cache.PartitionFor("p").Paths.Place("top/d0/f.cs", default, out _).Parent!;
        for (int i = 0; i < 40; i++)
        {
            Assert.NotNull(top.FindChild($"d{i}", StringComparison.Ordinal));
        }

        for (int i = 0; i < 38; i++)
        {
            cache.Invalidate(FileCache.Invalidation.InvalidationRequest.ForDirectory("p", $"top/d{i}"));
        }

        Assert.Null(top.FindChild("d0", StringComparison.Ordinal));
        Assert.NotNull(top.FindChild("d39", StringComparison.Ordinal));
        Assert.True(cache.TryGet(cache.CreateKey("p", "top/d38/f.cs"), out byte[]? kept));
        Assert.Equal(38, kept![0]);
        Assert.All(cache.Recount(), r => Assert.Equal(r.MapCount, r.CountedEntries));
    }

    private static FileCache.Invalidation.PathNode Node(int i) => new($"root/d{i}", null, null);
}
