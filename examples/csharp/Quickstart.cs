// Creates a room, waits until it is active, prints where to connect, and destroys it.
// Usage: mono Quickstart.exe [SERVER_URL] — the app id, dev token and server URL come from
// HATHORA_APP_ID (default: the local emulator's app-emulator), HATHORA_DEV_TOKEN and
// HATHORA_BASE_URL (unset: Hathora Cloud), as in every example; run.sh uses a local emulator.
using System;
using System.Threading.Tasks;
using Hathora.Rooms;

internal static class Quickstart
{
    static int Main(string[] args)
    {
        try
        {
            Run(args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("HATHORA_BASE_URL")).GetAwaiter().GetResult();
            return 0;
        }
        catch (HathoraApiException e)
        {
            Console.Error.WriteLine("API error " + e.StatusCode + ": " + e.ApiMessage + "\n" + e.RawBody);
        }
        catch (HathoraException e)
        {
            Console.Error.WriteLine(e.GetType().Name + ": " + e.Message);
        }
        return 1;
    }

    static async Task Run(string serverUrl)
    {
        using (var client = new HathoraRoomsClient(
            appId: Environment.GetEnvironmentVariable("HATHORA_APP_ID") ?? "app-emulator",
            devToken: Environment.GetEnvironmentVariable("HATHORA_DEV_TOKEN"),
            serverUrl: serverUrl))
        {
            var created = await client.CreateRoomAsync(new CreateRoomParams { Region = Region.Chicago, RoomConfig = "{\"mode\":\"quickstart\"}" });
            string roomId = created.Value.RoomId;
            Console.WriteLine("created room " + roomId + " (" + created.Value.StatusRaw + ")");

            var active = await client.WaitUntilActiveAsync(roomId, TimeSpan.FromSeconds(60));
            ExposedPort port = active.Value.ExposedPort;
            Console.WriteLine("room " + roomId + " is active: connect to " + port.Host + ":" + port.Port + " over " + port.TransportType);

            await client.DestroyRoomAsync(roomId);
            Console.WriteLine("destroyed room " + roomId);
        }
    }
}
