using System.Globalization;

namespace FileCache.Cluster.Tests.Harness;

/// <summary>
/// Collects every scenario's checker report, passed or failed, into one markdown table per server kind in the tests'
/// output folder (<c>checker-reports.garnet.md</c>, <c>checker-reports.external.md</c>...), started afresh by each test
/// run; <c>.ci/run</c> prints them at the end of the log, so the figures can be quoted from CI.
/// </summary>
public static class CheckerReports
{
    private static readonly object s_lock = new();
    private static readonly HashSet<string> s_started = new(StringComparer.Ordinal);

    /// <summary>Gets the file a server kind's reports go to.</summary>
    /// <param name="serverKind">The server's kind, as <c>ClusterServer.Kind</c> says it.</param>
    /// <returns>The path.</returns>
    public static string PathOf(string serverKind)
    {
        string slug = string.Concat(serverKind.Split(' ')[0].ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
        return Path.Join(AppContext.BaseDirectory, $"checker-reports.{(slug.Length == 0 ? "server" : slug)}.md");
    }

    /// <summary>Formats one report as a table row.</summary>
    /// <param name="scenario">The scenario (the test's name).</param>
    /// <param name="report">The report.</param>
    /// <returns>The row.</returns>
    public static string Row(string scenario, CheckReport report) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {scenario} | {report.ReadsChecked} | {report.ReadsFailed} | {report.Violations.Count} | {report.Acknowledged} | {report.NotAcknowledged} | " +
        $"{report.StaleReads} | {Ms(report.StalenessP50)} | {Ms(report.StalenessP99)} | {Ms(report.StalenessMax)} | {Ms(report.AckP50)} | {Ms(report.AckP99)} |");

    /// <summary>Appends a scenario's report to its server kind's file (the first in this process starts the file).</summary>
    /// <param name="serverKind">The server's kind.</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="report">The report.</param>
    /// <returns>The row written.</returns>
    public static string Record(string serverKind, string scenario, CheckReport report)
    {
        string row = Row(scenario, report);
        string path = PathOf(serverKind);
        lock (s_lock)
        {
            if (s_started.Add(path))
            {
                File.WriteAllText(path, $"""
                    ## Cluster checker reports: {serverKind}

                    | Scenario | Reads checked | Reads failed | Violations | Acknowledged | Not acknowledged | Stale reads | Staleness p50 (ms) | p99 (ms) | max (ms) | Ack p50 (ms) | Ack p99 (ms) |
                    |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|

                    """);
            }

            File.AppendAllText(path, row + "\n");
        }

        return row;
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture);
}
