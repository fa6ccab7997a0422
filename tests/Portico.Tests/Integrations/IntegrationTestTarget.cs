namespace Portico.Tests.Integrations;

/// <summary>Where <see cref="IntegrationTestPack"/>'s tools send their requests: the test's fake service.</summary>
internal sealed record IntegrationTestTarget(Uri Url);
