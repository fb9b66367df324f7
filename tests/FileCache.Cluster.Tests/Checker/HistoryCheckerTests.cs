namespace FileCache.Cluster.Tests.Checker;

/// <summary>The checker on hand-built histories: each rule fires on a history that breaks it, and only then.</summary>
public sealed class HistoryCheckerTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void ReadStartingAfterAcknowledgedWrite_ReturningOlderVersion_IsAViolation()
    {
        HistoryRecord write = Write("b", "f", version: 2, written: 10 * Ms, end: 20 * Ms);
        HistoryRecord read = Read("a", "f", version: 1, start: 21 * Ms);
        CheckReport report = HistoryChecker.Check([write, read]);
        Violation violation = Assert.Single(report.Violations);
        Assert.Equal(HistoryChecker.StaleAfterAck, violation.Kind);
        Assert.Same(read, violation.Read);
        Assert.Same(write, violation.Invalidation);
        Assert.Contains("stale-after-ack: a read f v1", violation.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadStartingBeforeTheAckReturned_ReturningOlderVersion_IsNoViolationButIsStale()
    {
        // Concurrent with the invalidation: the guarantee says nothing about it; staleness is still measured.
        CheckReport report = HistoryChecker.Check([Write("b", "f", 2, written: 10 * Ms, end: 20 * Ms), Read("a", "f", 1, start: 19 * Ms)]);
        Assert.Empty(report.Violations);
        Assert.Equal(1, report.StaleReads);
        Assert.Equal(TimeSpan.FromMilliseconds(9), report.StalenessP50);
    }

    [Fact]
    public void ReadOfNewerOrEqualVersion_AfterAck_IsNoViolation()
    {
        CheckReport report = HistoryChecker.Check(
        [
            Write("b", "f", 2, written: 10 * Ms, end: 20 * Ms),
            Read("a", "f", 2, start: 21 * Ms),
            Read("c", "f", 3, start: 22 * Ms),
        ]);
        Assert.Empty(report.Violations);
        Assert.Equal(2, report.ReadsChecked);
        Assert.Equal(0, report.StaleReads);
    }

    [Fact]
    public void UnacknowledgedOrFiredInvalidation_PromisesNothing()
    {
        CheckReport report = HistoryChecker.Check(
        [
            Write("b", "f", 2, written: 10 * Ms, end: 20 * Ms) with { Outcome = InvalidationOutcomes.Unacknowledged },
            Write("b", "f", 3, written: 30 * Ms, end: 40 * Ms) with { Outcome = InvalidationOutcomes.Fired, Mode = "fire" },
            Read("a", "f", 1, start: 50 * Ms),
        ]);
        Assert.Empty(report.Violations);
        Assert.Equal(2, report.NotAcknowledged);
        Assert.Equal(1, report.StaleReads);
    }

    [Fact]
    public void FiredWrite_WithABound_ReadsBeyondTheBoundMustSeeIt()
    {
        HistoryRecord fired = Write("b", "f", 2, written: 10 * Ms, end: 11 * Ms) with { Outcome = InvalidationOutcomes.Fired, Mode = "fire" };
        HistoryRecord early = Read("a", "f", 1, start: 100 * Ms);
        HistoryRecord late = Read("a", "f", 1, start: 300 * Ms);
        CheckReport report = HistoryChecker.Check([fired, early, late], fireBound: TimeSpan.FromMilliseconds(200));
        Violation violation = Assert.Single(report.Violations);
        Assert.Equal(HistoryChecker.StaleAfterFireBound, violation.Kind);
        Assert.Same(late, violation.Read);
        Assert.Empty(HistoryChecker.Check([fired, early, late]).Violations);
    }

    [Fact]
    public void AcknowledgedInvalidate_CoversTheVersionOnDiskWhenSent_AndOtherPathsAreUnaffected()
    {
        HistoryRecord invalidate = new()
        {
            Node = "b", Op = HistoryOps.Invalidate, Path = "f", Start = 10 * Ms, End = 12 * Ms, Version = 5, Ok = true,
            Mode = "ack", Outcome = InvalidationOutcomes.Acknowledged,
        };
        CheckReport report = HistoryChecker.Check([invalidate, Read("a", "f", 4, start: 13 * Ms), Read("a", "g", 1, start: 13 * Ms)]);
        Assert.Equal(HistoryChecker.StaleAfterAck, Assert.Single(report.Violations).Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(2), report.AckP50);
    }

    [Fact]
    public void OlderAckReturningLater_DoesNotLowerTheFloor()
    {
        // v3 acknowledged at 20 ms, then v2's slower ack returns at 25 ms: a read at 30 ms must still see v3 or newer.
        CheckReport report = HistoryChecker.Check(
        [
            Write("b", "f", 3, written: 15 * Ms, end: 20 * Ms),
            Write("c", "f", 2, written: 5 * Ms, end: 25 * Ms),
            Read("a", "f", 2, start: 30 * Ms),
        ]);
        Violation violation = Assert.Single(report.Violations);
        Assert.Equal(3, violation.Invalidation!.Version);
    }

    [Fact]
    public void MissingFileAfterAcknowledgedWrite_IsAViolation()
    {
        CheckReport report = HistoryChecker.Check([Write("b", "f", 1, written: 1 * Ms, end: 2 * Ms), Read("a", "f", -1, start: 3 * Ms)]);
        Assert.Single(report.Violations);
    }

    [Fact]
    public void PayloadFailingItsHash_IsAnIntegrityViolation()
    {
        byte[] bytes = Payload.Create("f", 4, "test");
        bytes[^10] ^= 1;
        (long version, string declared, string actual) = Payload.Inspect(bytes);
        HistoryRecord read = Read("a", "f", version, start: 1 * Ms) with { DeclaredHash = declared, PayloadHash = actual };
        CheckReport report = HistoryChecker.Check([read]);
        Assert.Equal(HistoryChecker.Integrity, Assert.Single(report.Violations).Kind);
    }

    [Fact]
    public void FailedReads_AreCountedButNotChecked()
    {
        HistoryRecord failed = Read("a", "f", 0, start: 30 * Ms) with { Ok = false, Error = "TimeoutException: lease lost" };
        CheckReport report = HistoryChecker.Check([Write("b", "f", 2, written: 10 * Ms, end: 20 * Ms), failed]);
        Assert.Empty(report.Violations);
        Assert.Equal(0, report.ReadsChecked);
        Assert.Equal(1, report.ReadsFailed);
    }

    [Fact]
    public void Percentiles_AreNearestRank()
    {
        var records = new List<HistoryRecord>();
        for (int i = 1; i <= 100; i++)
        {
            records.Add(Write("b", $"f{i}", 1, written: 0, end: i * Ms));
        }

        CheckReport report = HistoryChecker.Check(records);
        Assert.Equal(TimeSpan.FromMilliseconds(50), report.AckP50);
        Assert.Equal(TimeSpan.FromMilliseconds(99), report.AckP99);
        Assert.Contains("violations 0", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryFiles_RoundTrip_AndATornLastLineIsSkipped()
    {
        string file = Path.Join(Path.GetTempPath(), $"history-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var writer = new HistoryWriter(file))
            {
                writer.Append(Write("b", "f", 2, written: 10 * Ms, end: 20 * Ms));
                writer.Append(Read("a", "f", 1, start: 21 * Ms));
            }

            File.AppendAllText(file, "{\"node\":\"a\",\"op\":\"re");
            CheckReport report = HistoryChecker.CheckFiles([file]);
            Assert.Equal(1, report.ReadsChecked);
            Assert.Single(report.Violations);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Payload_DeclaresItsVersionAndHash()
    {
        byte[] bytes = Payload.Create("dir/f.txt", 123, "n1", 1000);
        (long version, string declared, string actual) = Payload.Inspect(bytes);
        Assert.Equal(123, version);
        Assert.Equal(declared, actual);
        Assert.Equal(-2, Payload.Inspect("garbage"u8).Version);
        Assert.NotEqual(Payload.Create("dir/f.txt", 124, "n1", 1000)[50..], bytes[50..]);
    }

    internal static HistoryRecord Read(string node, string path, long version, long start) => new()
    {
        Node = node, Op = HistoryOps.Read, Path = path, Start = start, End = start + Ms, Version = version, Ok = true,
        DeclaredHash = "h", PayloadHash = "h",
    };

    internal static HistoryRecord Write(string node, string path, long version, long written, long end) => new()
    {
        Node = node, Op = HistoryOps.Write, Path = path, Start = written - Ms, Written = written, End = end, Version = version, Ok = true,
        Mode = "ack", Outcome = InvalidationOutcomes.Acknowledged,
    };
}
