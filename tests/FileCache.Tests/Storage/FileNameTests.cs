using FileCache.Storage;

namespace FileCache.Tests.Storage;

/// <summary>File and directory names kept as ASCII bytes: compares, hashes and joins agree with the same operations on strings.</summary>
public sealed class FileNameTests
{
    [Fact]
    public void Compare_AgreesWithStringsAtEveryLengthAndEveryDifferingPosition()
    {
        var random = new Random(5);
        for (int length = 0; length <= 70; length++)
        {
            string text = new(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, 0x7F)).ToArray());
            var name = FileName.Copy(text);
            Assert.True(name.Is(text, StringComparison.Ordinal));
            Assert.True(name.Is(text.ToUpperInvariant(), StringComparison.OrdinalIgnoreCase));
            Assert.Equal(text, name.ToString());
            Assert.Equal(length, name.Length);
            for (int at = 0; at < length; at++)
            {
                char[] other = text.ToCharArray();
                other[at] = other[at] == 'a' ? 'b' : 'a';
                Assert.Equal(string.Equals(text, new string(other), StringComparison.Ordinal), name.Is(other, StringComparison.Ordinal));

                // A non-ASCII character (widened bytes never reach it), and one that folds onto ASCII ignoring case.
                other[at] = '\u00E9';
                Assert.False(name.Is(other, StringComparison.Ordinal));
                other[at] = '\u0131';
                Assert.Equal(string.Equals(text, new string(other), StringComparison.OrdinalIgnoreCase), name.Is(other, StringComparison.OrdinalIgnoreCase));
            }

            Assert.False(name.Is(text + "x", StringComparison.Ordinal));
            if (length > 0)
            {
                Assert.False(name.Is(text.AsSpan(1), StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void NonAsciiNames_StayStrings_AndCompareAsStrings()
    {
        var name = FileName.Copy("résumé.md");
        Assert.Equal(FileCache.Storage.DefaultFileCache.StringBytes("résumé.md"), name.HeapBytes);
        Assert.True(name.Is("résumé.md", StringComparison.Ordinal));
        Assert.True(name.Is("RÉSUMÉ.MD", StringComparison.OrdinalIgnoreCase));
        Assert.False(name.Is("resume.md", StringComparison.Ordinal));
        Assert.Equal(32, FileName.Copy("a.cs").HeapBytes);
    }

    [Theory]
    [InlineData("src/deep/dir", 9, StringComparison.Ordinal)]
    [InlineData("src/deep/dir", 9, StringComparison.OrdinalIgnoreCase)]
    [InlineData("top", 0, StringComparison.OrdinalIgnoreCase)]
    [InlineData("a/résumé", 2, StringComparison.OrdinalIgnoreCase)]
    public void Segments_CompareAndHashAsTheirStrings(string path, int start, StringComparison comparison)
    {
        var name = FileName.Copy(path);
        string segment = path[start..];
        Assert.Equal(segment, name.ToString(start));
        Assert.Equal(string.GetHashCode(segment, comparison), name.HashFrom(start, comparison));
        Assert.True(name.IsFrom(start, segment, comparison));
        Assert.Equal(comparison == StringComparison.OrdinalIgnoreCase || string.Equals(segment, segment.ToUpperInvariant(), StringComparison.Ordinal), name.IsFrom(start, segment.ToUpperInvariant(), comparison));
        Assert.Equal(path + "/f.cs", FileName.Copy("f.cs").After(name));
        Assert.Equal("f.cs", FileName.Copy("f.cs").After(FileName.Of(string.Empty)));
    }
}
