namespace FileCache.HitRate.Tests;

/// <summary>The first check of any simulator: a plain LRU replay reproduces the published LRU numbers.</summary>
public class PublishedLruTests
{
    [Theory]
    [InlineData("GLI", "gli")]
    [InlineData("OLTP", "OLTP")]
    public void StrictLru_ReproducesEveryPublishedLruRow(string csvTrace, string traceFile)
    {
        var rows = SharedTraces.Published.Where(p => p.Trace == csvTrace && p.Policy == PublishedRatios.LruPolicy).OrderBy(p => p.Capacity).ToList();
        Assert.Equal(new[] { 250, 500, 750, 1000, 1250, 1500, 1750, 2000 }, rows.Select(r => r.Capacity));

        var trace = SharedTraces.Get(traceFile);
        var failures = new List<string>();
        foreach (var row in rows)
        {
            var count = StrictLru.Replay(trace.Requests, row.Capacity);
            if (!row.IsReproducedBy(count))
            {
                failures.Add($"{csvTrace} @ {row.Capacity}: strict LRU {count.PercentText} % ({count.Hits} / {count.Requests}), published {row.PercentText} %");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Traces_HaveTheSizesTheReadmeStates()
    {
        var gli = SharedTraces.Get("gli");
        Assert.Equal(6_015, gli.Length);
        Assert.Equal(2_529, gli.UniqueKeys);

        var oltp = SharedTraces.Get("OLTP");
        Assert.Equal(914_145, oltp.Length);
        Assert.Equal(186_880, oltp.UniqueKeys);
    }

    [Fact]
    public void Load_PublishedCsv_ParsesQuotedFieldsAndAllRows()
    {
        var rows = SharedTraces.Published;
        Assert.Equal(160, rows.Count);
        Assert.Contains(rows, r => r.Policy == "ClassicLru (BitFaster, strict LRU)" && r.Trace == "OLTP" && r.Capacity == 250 && r.Percent == 16.47m);
        Assert.Equal(16, rows.Count(r => r.Policy == PublishedRatios.LruPolicy));
    }

    [Fact]
    public void SplitCsvLine_HandlesQuotesCommasAndDoubledQuotes()
    {
        Assert.Equal(new[] { "a", "b, c", "say \"hi\"", string.Empty }, PublishedRatios.SplitCsvLine("a,\"b, c\",\"say \"\"hi\"\"\","));
    }

    [Theory]
    [InlineData("38.7", 387, 1000, true)]    // 38.70 exactly
    [InlineData("38.7", 3869, 10000, false)] // 38.69
    [InlineData("3.13", 1, 32, true)]        // 3.125 rounds half away from zero
    [InlineData("3.12", 1, 32, false)]
    [InlineData("3.125", 1, 32, true)]       // more than 2 decimals: within 0.005
    public void IsReproducedBy_ComparesExactlyTo2Decimals(string published, long hits, long requests, bool expected)
    {
        var row = new PublishedRatio("T", "LRU", 1, decimal.Parse(published, System.Globalization.CultureInfo.InvariantCulture), "test");
        Assert.Equal(expected, row.IsReproducedBy(new HitCount(hits, requests)));
    }
}
