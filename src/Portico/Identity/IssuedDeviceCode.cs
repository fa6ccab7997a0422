namespace Portico.Identity;

/// <summary>A new device authorization: the device code (shown once, stored hashed), the formatted user code, and its lifetime and poll interval in seconds.</summary>
internal sealed record IssuedDeviceCode(string DeviceCode, string UserCode, int ExpiresIn, int Interval);
