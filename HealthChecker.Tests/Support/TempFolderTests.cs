namespace HealthChecker.Tests.Support;

public sealed class TempFolderTests
{
    [Fact]
    public void Leftovers_whose_owner_is_gone_are_deleted_and_those_in_use_or_being_set_up_are_kept()
    {
        using var ended = System.Diagnostics.Process.Start("true")!;
        ended.WaitForExit();
        var gone = TempFolder.Create("hc-leftovers");
        File.WriteAllText(Path.Combine(gone, "owner.pid"), ended.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var inUse = TempFolder.Create("hc-leftovers");
        // Another run's folder between its creation and its pid file.
        var settingUp = TempFolder.Create("hc-leftovers");
        File.WriteAllText(Path.Combine(inUse, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            TempFolder.DeleteLeftovers("hc-leftovers");

            Assert.False(Directory.Exists(gone));
            Assert.True(Directory.Exists(inUse));
            Assert.True(Directory.Exists(settingUp));
        }
        finally
        {
            TempFolder.Delete(gone);
            TempFolder.Delete(inUse);
            TempFolder.Delete(settingUp);
        }
    }
}
