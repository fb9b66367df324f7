using FileCache.AspNetCore.Internal;

namespace FileCache.AspNetCore.Dashboard;

// The JSON the dashboard's API returns (camelCase, as ASP.NET Core writes it). README: "Dashboard JSON API".

/// <summary>Everything on the page, from <c>GET {prefix}/api/summary</c>.</summary>
internal sealed record SummaryDto(
    DateTimeOffset At,
    bool Authorized,
    string Window,
    CounterView Totals,
    BudgetDto Budget,
    LatencyView HitLatency,
    LatencyView LoadLatency,
    EvictionView Evictions,
    InvalidationsDto Invalidations,
    IReadOnlyList<ProjectDto> Projects,
    IReadOnlyList<HotKeyDto> HotKeys,
    AlertsDto Alerts,
    IReadOnlyList<RecommendationView> Recommendations,
    HistoryDto History,
    ClusterDto? Cluster);

/// <summary>Bytes held against the budget in force.</summary>
internal sealed record BudgetDto(long Bytes, long EffectiveBytes, long ConfiguredBytes, double Usage, double MemoryLoad);

/// <summary>Entries invalidated by cause, and the other invalidation counters.</summary>
internal sealed record InvalidationsDto(IReadOnlyDictionary<string, long> ByCause, InvalidationView Counters);

/// <summary>One row of the per-project table.</summary>
internal sealed record ProjectDto(string Name, string Watch, CounterView Counters, long Evictions);

/// <summary>A hot key; <see cref="Key"/> is redacted for viewers who are not authorised.</summary>
internal sealed record HotKeyDto(string Project, string Key, long EstimatedHits, bool Redacted);

/// <summary>Rules, active alerts and recent alert events.</summary>
internal sealed record AlertsDto(IReadOnlyList<ActiveAlertDto> Active, IReadOnlyList<RecentAlert> Recent, IReadOnlyList<RuleDto> Rules);

/// <summary>An active alert and whether its rule is muted.</summary>
internal sealed record ActiveAlertDto(AlertView Alert, DateTimeOffset? MutedUntil);

/// <summary>An alert rule as evaluated, with its default from the options and its mute.</summary>
internal sealed record RuleDto(
    string Name,
    string Metric,
    string Comparison,
    double Threshold,
    double? ResolveThreshold,
    double WindowSeconds,
    double DurationSeconds,
    long MinimumEvents,
    double? DefaultThreshold,
    double? DefaultResolveThreshold,
    bool Changed,
    bool Active,
    DateTimeOffset? MutedUntil);

/// <summary>The history in the window asked for, oldest first.</summary>
internal sealed record HistoryDto(string Window, double? HitRatio, long Requests, IReadOnlyList<HistoryPointDto> Points);

/// <summary>One snapshot: the hit ratio and rates since the snapshot before it.</summary>
internal sealed record HistoryPointDto(DateTimeOffset At, double? HitRatio, double RequestsPerSecond, double EvictionsPerSecond, long Bytes, long BudgetBytes, long Entries);

/// <summary>The cluster panel: null when no <c>IFileCacheClusterStatus</c> is registered.</summary>
internal sealed record ClusterDto(
    string? NodeId,
    bool IsDegraded,
    string? DegradedReason,
    long AppliedSequence,
    long LatestSequence,
    double? AckP50Ms,
    double? AckP99Ms,
    IReadOnlyList<ClusterMemberDto> Members,
    IReadOnlyList<ClusterOwnershipDto> Ownership,
    string? Error);

/// <summary>A cluster member.</summary>
internal sealed record ClusterMemberDto(string Id, string? Address, bool IsSelf, bool IsAlive, string Lease, DateTimeOffset? LeaseExpiresAt, long AppliedSequence, DateTimeOffset? LastSeen);

/// <summary>An owner and its mirrors.</summary>
internal sealed record ClusterOwnershipDto(string Scope, string Owner, IReadOnlyList<string> Mirrors);

/// <summary>What the page needs to know about its viewer, from <c>GET {prefix}/api/session</c>.</summary>
internal sealed record SessionDto(string Title, bool Authorized, bool ActionsEnabled, double RefreshMs, string? AntiforgeryHeader, string? AntiforgeryToken);

/// <summary>The body of <c>POST {prefix}/api/alerts/rules/{name}</c>.</summary>
internal sealed record RuleChange(double Threshold, double? ResolveThreshold);

/// <summary>The body of <c>POST {prefix}/api/alerts/rules/{name}/mute</c>.</summary>
internal sealed record MuteRequest(double Minutes);
