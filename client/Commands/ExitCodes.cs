namespace OrleansLlmCache.Cli.Commands;

/// <summary>What <c>llmcache</c> exits with, so that a script can tell the cases apart (listed in <c>llmcache --help</c>).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed in a way none of the codes below names (an invalidation only partly done).</summary>
    public const int Failed = 1;

    /// <summary>The command line or its input is wrong: an unknown option, a bad value, a file that cannot be read.</summary>
    public const int Usage = 2;

    /// <summary>The answer is "there is none": <c>get</c> found no live entry.</summary>
    public const int NotFound = 3;

    /// <summary>The cluster could not be reached, did not answer in time, or refused the call.</summary>
    public const int Unavailable = 4;

    /// <summary>The codes, for <c>--help</c>.</summary>
    public const string Summary = "Exit codes: 0 done, 1 failed (partly done), 2 usage error, 3 not found (get), 4 cluster unreachable or refused.";
}
