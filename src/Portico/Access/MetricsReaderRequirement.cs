using Microsoft.AspNetCore.Authorization;

namespace Portico.Access;

/// <summary>May read <c>/metrics</c>: see <see cref="AccessPolicies.MetricsReader"/>.</summary>
internal sealed class MetricsReaderRequirement : IAuthorizationRequirement;
