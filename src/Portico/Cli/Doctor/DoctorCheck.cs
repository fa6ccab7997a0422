namespace Portico.Cli.Doctor;

/// <summary>One line of the doctor's report: what was checked, the verdict, and for WARN/FAIL the cause and the fix.</summary>
internal sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail, string? Cause = null, string? Fix = null)
{
    public static DoctorCheck Pass(string name, string detail) => new(name, DoctorStatus.Pass, detail);

    public static DoctorCheck Skip(string name, string detail) => new(name, DoctorStatus.Skip, detail);

    public static DoctorCheck Warn(string name, string detail, string cause, string fix) => new(name, DoctorStatus.Warn, detail, cause, fix);

    public static DoctorCheck Fail(string name, string detail, string cause, string fix) => new(name, DoctorStatus.Fail, detail, cause, fix);
}
