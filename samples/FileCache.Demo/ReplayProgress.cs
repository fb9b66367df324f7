using System.Globalization;

/// <summary>
/// Shows how far the replay has got: a line with the reads done, the share, the hit ratio so far and the time left,
/// at most once per interval. On a terminal the line rewrites itself; redirected, each report is its own line.
/// </summary>
internal sealed class ReplayProgress(int total, TextWriter output, TimeSpan interval)
{
    private readonly bool _rewrite = output == Console.Error && !Console.IsErrorRedirected;
    private readonly TimeSpan _interval = interval;
    private TimeSpan _next = interval;

    /// <summary>The text of one report (for tests and for <see cref="Report"/>).</summary>
    public static string Format(int done, int total, TimeSpan elapsed, long hits)
    {
        double share = total == 0 ? 1 : (double)done / total;
        TimeSpan left = done == 0 ? TimeSpan.Zero : elapsed * ((total - done) / (double)done);
        return string.Create(CultureInfo.InvariantCulture, $"  Replay        {done:N0} of {total:N0} reads ({share:P0}), hit ratio {(done == 0 ? 0 : (double)hits / done):P1}, {left.TotalSeconds:F0} s left");
    }

    /// <summary>Reports when the interval has passed since the last report.</summary>
    public void Report(int done, TimeSpan elapsed, long hits)
    {
        if (elapsed < _next)
        {
            return;
        }

        _next = elapsed + _interval;
        Write(Format(done, total, elapsed, hits));
    }

    /// <summary>Clears the rewritten line (a terminal) at the end.</summary>
    public void Done(int done, TimeSpan elapsed, long hits)
    {
        if (_rewrite && _next > _interval)
        {
            output.Write("\r" + new string(' ', Format(done, total, elapsed, hits).Length + 4) + "\r");
        }
    }

    private void Write(string line)
    {
        if (_rewrite)
        {
            output.Write("\r" + line);
        }
        else
        {
            output.WriteLine(line);
        }
    }
}
