using System.Reflection;
using OrleansLlmCache.Client.Caching;
using Polly.CircuitBreaker;

namespace OrleansLlmCache.Tests.Client;

/// <summary>Which failed cluster reads are asked again: those the cluster refused, not those that ran out of time.</summary>
public sealed class ClusterReadRetryTests
{
    [Fact]
    public async Task AReadRefusedByALeavingSilo_IsAskedAgain_AndAnswers()
    {
        var attempts = 0;
        var answer = await new ClusterReadRetry().Pipeline.ExecuteAsync(_ =>
        {
            // What a silo that is shutting down answers to a request still routed to it.
            return ++attempts < 3 ? throw Rejection("Silo stopping") : ValueTask.FromResult("entry");
        });

        Assert.Equal("entry", answer);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task AReadWhoseSiloIsGone_IsAskedAgain()
    {
        var attempts = 0;
        var answer = await new ClusterReadRetry().Pipeline.ExecuteAsync(_ =>
            ++attempts == 1 ? throw new SiloUnavailableException("the target silo became unavailable") : ValueTask.FromResult("entry"));

        Assert.Equal("entry", answer);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task ARefusalThatLasts_GivesUpAfterFiveAttempts_WithTheRefusal()
    {
        var attempts = 0;
        var error = await Assert.ThrowsAsync<OrleansMessageRejectionException>(async () =>
            await new ClusterReadRetry().Pipeline.ExecuteAsync<string>(_ =>
            {
                attempts++;
                throw Rejection("Silo stopping");
            }));

        Assert.Equal("Silo stopping", error.Message);
        Assert.Equal(5, attempts);
    }

    [Fact]
    public async Task ATimeout_OrBadInput_IsNotAskedAgain()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await new ClusterReadRetry().Pipeline.ExecuteAsync<string>(_ => { attempts++; throw new TimeoutException(); }));
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await new ClusterReadRetry().Pipeline.ExecuteAsync<string>(_ => { attempts++; throw new ArgumentException("bad key"); }));

        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task WhenEveryReadIsRefused_ReadsFailAtOnce_InsteadOfEachWaitingOutTheRetries()
    {
        var retry = new ClusterReadRetry();
        var attempts = 0;
        ValueTask<string> Refused(CancellationToken _)
        {
            Interlocked.Increment(ref attempts);
            throw Rejection("Exception while sending message: Unable to connect to endpoint");
        }

        // The whole cluster is down: the first reads retry, until the breaker has seen enough refusals.
        var reads = 0;
        while (true)
        {
            Assert.True(++reads <= 4, "the breaker opened within four refused reads");
            try
            {
                await retry.Pipeline.ExecuteAsync(Refused);
            }
            catch (OrleansMessageRejectionException)
            {
                continue;
            }
            catch (BrokenCircuitException)
            {
                break;
            }
        }

        // From now on a read fails without asking the cluster at all, for the break.
        var before = attempts;
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await retry.Pipeline.ExecuteAsync(Refused));
        Assert.Equal(before, attempts);

        // Another client's breaker is its own.
        Assert.Equal("entry", await new ClusterReadRetry().Pipeline.ExecuteAsync(_ => ValueTask.FromResult("entry")));
    }

    // Orleans makes these only inside the runtime (the constructor is internal), as the client receives them.
    private static OrleansMessageRejectionException Rejection(string message) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(
            typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null, [message], null)!;
}
