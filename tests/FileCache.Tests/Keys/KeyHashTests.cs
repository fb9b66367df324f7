using FileCache.Keys;

namespace FileCache.Tests.Keys;

public class KeyHashTests
{
    [Fact]
    public void Of_EqualContentInDifferentInstances_HashesEqual()
    {
        string a = "src/components/" + "button.tsx";
        string b = string.Concat("src/", "components/button.tsx");
        Assert.NotSame(a, b);
        Assert.Equal(KeyHash.Of(a), KeyHash.Of(b));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(48)]
    [InlineData(50)]
    public void Of_OneCharChangedAtAnyPosition_ChangesTheHash(int length)
    {
        // Every position counts, including the tail chars that do not fill an 8-byte chunk.
        string baseline = new('a', length);
        int hash = KeyHash.Of(baseline);
        for (int i = 0; i < length; i++)
        {
            char[] changed = baseline.ToCharArray();
            changed[i] = 'b';
            Assert.NotEqual(hash, KeyHash.Of(new string(changed)));
        }
    }

    [Fact]
    public void Of_PrefixAndLongerString_HashDifferently()
    {
        Assert.NotEqual(KeyHash.Of("src/a"), KeyHash.Of("src/ab"));
        Assert.NotEqual(KeyHash.Of(""), KeyHash.Of("\0"));
    }

    [Fact]
    public void Of_ManySimilarPaths_SpreadOverTheLowBits()
    {
        // Hash tables index by the low bits: 65,536 near-identical paths into 4,096 buckets must fill them
        // about evenly (16 a bucket on average; a bad mix would pile them into a few).
        const int Buckets = 4096;
        var counts = new int[Buckets];
        for (int i = 0; i < 65_536; i++)
        {
            counts[KeyHash.Of($"src/project/module{i % 97}/file{i}.cs") & (Buckets - 1)]++;
        }

        Assert.True(counts.Max() < 48, $"fullest bucket holds {counts.Max()}");
        Assert.True(counts.Count(c => c == 0) < 10, $"{counts.Count(c => c == 0)} empty buckets");
    }
}
