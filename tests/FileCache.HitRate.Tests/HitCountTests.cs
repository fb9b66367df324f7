namespace FileCache.HitRate.Tests;

public class HitCountTests
{
    [Theory]
    [InlineData(5, 2, 3)]
    [InlineData(-5, 2, -3)]
    [InlineData(7, 2, 4)]
    [InlineData(1, 3, 0)]
    [InlineData(2, 3, 1)]
    [InlineData(0, 9, 0)]
    public void RoundHalfAwayFromZero_RoundsTiesAwayFromZero(long numerator, long denominator, long expected)
    {
        Assert.Equal(expected, HitCount.RoundHalfAwayFromZero(numerator, denominator));
    }

    [Theory]
    [InlineData(1, 8, "12.50")]      // exactly 12.5
    [InlineData(1, 32, "3.13")]      // 3.125: the tie goes up
    [InlineData(1, 64, "1.56")]      // 1.5625
    [InlineData(55, 6015, "0.91")]   // GLI LRU @ 250
    [InlineData(2, 3, "66.67")]
    [InlineData(0, 10, "0.00")]
    [InlineData(10, 10, "100.00")]
    public void PercentText_IsExactlyRoundedTo2Decimals(long hits, long requests, string expected)
    {
        Assert.Equal(expected, new HitCount(hits, requests).PercentText);
    }

    [Fact]
    public void FormatHundredths_Negative_KeepsSign()
    {
        Assert.Equal("-0.05", HitCount.FormatHundredths(-5));
        Assert.Equal("-12.34", HitCount.FormatHundredths(-1234));
    }
}
