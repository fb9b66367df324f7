namespace FileCache.Redis.Internal;

/// <summary>
/// A wake-up for any number of waiters that loses none: a waiter takes <see cref="Next"/> before it looks at the state it
/// waits for, so a <see cref="Set"/> after the look completes the task it holds.
/// </summary>
internal sealed class Broadcast
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Set() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for <paramref name="next"/> at most <paramref name="timeout"/> (on <paramref name="time"/>); true if it was set.</summary>
    public static async Task<bool> WaitAsync(Task next, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await next.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
