// What a C# user would otherwise write under Mono, without NuGet: System.Net.Http.HttpClient
// (one shared instance) and DataContractJsonSerializer into the same fields the library's
// ConnectionInfoV2 holds. For bench/run.sh.
// Usage: mono HttpClientBench.exe URL ROOM INFLIGHT N MAX_SECONDS
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Threading.Tasks;

[DataContract]
internal sealed class ExposedPortDto
{
    [DataMember(Name = "transportType")] public string TransportType;
    [DataMember(Name = "port")] public int Port;
    [DataMember(Name = "host")] public string Host;
    [DataMember(Name = "name")] public string Name;
}

[DataContract]
internal sealed class ConnectionInfoDto
{
    [DataMember(Name = "roomId")] public string RoomId;
    [DataMember(Name = "status")] public string Status;
    [DataMember(Name = "exposedPort")] public ExposedPortDto ExposedPort;
    [DataMember(Name = "additionalExposedPorts")] public List<ExposedPortDto> AdditionalExposedPorts;
}

internal static class HttpClientBench
{
    // One serializer per thread: instance members are not documented as thread-safe.
    [ThreadStatic] static DataContractJsonSerializer serializer;

    static int Main(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: HttpClientBench.exe URL ROOM INFLIGHT N MAX_SECONDS");
            return 2;
        }
        string room = args[1];
        string url = args[0].TrimEnd('/') + "/rooms/v2/app-emulator/connectioninfo/" + room;
        // Mono's default is 2 connections per host: without this, 32 calls in flight would
        // share 2 connections. A user who measured would raise it too.
        ServicePointManager.DefaultConnectionLimit = 256;
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) })
        {
            Func<Task<bool>> call = async () =>
            {
                using (HttpResponseMessage resp = await http.GetAsync(url).ConfigureAwait(false))
                {
                    resp.EnsureSuccessStatusCode();
                    Stream body = await resp.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    if (serializer == null)
                    {
                        serializer = new DataContractJsonSerializer(typeof(ConnectionInfoDto));
                    }
                    var info = (ConnectionInfoDto)serializer.ReadObject(body);
                    return info.RoomId == room && info.ExposedPort != null;
                }
            };
            return BenchCore.RunAndPrint("cs-httpclient", call, args, 2);
        }
    }
}
