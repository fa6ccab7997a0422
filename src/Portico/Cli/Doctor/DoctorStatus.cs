namespace Portico.Cli.Doctor;

/// <summary>The verdict of one doctor check. <see cref="Skip"/> is a check that does not apply to this server (no gateway, no OAuth).</summary>
internal enum DoctorStatus
{
    Pass,
    Warn,
    Fail,
    Skip,
}
