using Reporting.Format.Protocol;

namespace Reporting.Testing.Attacks;

/// <summary>Attack 3, challenge starvation: challenges requested as fast as they are answered.</summary>
public sealed class ChallengeFlood(Uri server, int connections = 16) : RequestFlood(server, connections)
{
    public override string Name => "challenge flood";

    protected override HttpRequestMessage NextRequest() => new(HttpMethod.Post, Routes.Challenges);
}
