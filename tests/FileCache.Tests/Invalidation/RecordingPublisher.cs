using FileCache.Invalidation;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// A distributed layer's stand-in on the seam (<see cref="IInvalidationPublisher"/>): it keeps the cache's
/// <see cref="ICoherenceTarget"/>, records what the cache applied, and completes every invalidation with <see cref="Answer"/>.
/// </summary>
internal sealed class RecordingPublisher : IInvalidationPublisher
{
    public ICoherenceTarget? Target { get; private set; }

    public List<(InvalidationRequest Request, long Sequence)> Applied { get; } = [];

    public InvalidationAcknowledgement Answer { get; set; } = InvalidationAcknowledgement.Acknowledged;

    /// <summary>A cache over <paramref name="root"/> (project <c>p</c>) with no validation of its own, so only the publisher's target decides, and its publisher.</summary>
    public static (IFileCache Cache, RecordingPublisher Publisher) CreateCache(string root, TimeProvider? time = null)
    {
        var publisher = new RecordingPublisher();
        var options = new FileCacheOptions();
        options.AddProject("p", root);
        options.Invalidation.Mode = ValidationMode.None;
        options.Invalidation.Publisher = publisher;
        return (FileCacheFactory.Create(options, time), publisher);
    }

    public void Attach(ICoherenceTarget target) => Target = target;

    public void OnApplied(InvalidationRequest request, InvalidationResult result) => Applied.Add((request, result.Sequence));

    public ValueTask<InvalidationResult> CompleteAsync(InvalidationRequest request, InvalidationResult result, CancellationToken cancellationToken) =>
        new(result with { Acknowledgement = Answer, ClusterSequence = 42 });
}
