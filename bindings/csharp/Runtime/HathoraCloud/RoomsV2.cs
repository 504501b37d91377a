using System;
using System.Threading.Tasks;
using Hathora.Rooms;
using HathoraCloud.Internal;
using HathoraCloud.Models.Errors;
using HathoraCloud.Models.Operations;
using R = Hathora.Rooms;

namespace HathoraCloud
{
    /// <summary>
    /// The RoomsV2 operations, one request object each, as in the official SDK. Every failure
    /// surfaces when the task is awaited, never as null: <see cref="ApiError"/> for an error status
    /// the operation declares, <see cref="SDKException"/> for any other 4xx/5xx, and the library's
    /// own types for the rest: <see cref="HathoraTransportException"/> (the API could not be
    /// reached), <see cref="HathoraTimeoutException"/> (the deadline passed),
    /// <see cref="HathoraCanceledException"/> (the SDK was disposed), <see cref="HathoraDecodeException"/>
    /// (a success whose body was not what the contract says), <see cref="HathoraInvalidArgumentException"/>
    /// (refused before sending, e.g. a null request or a bad room id), ObjectDisposedException
    /// (called after the SDK was disposed).
    /// </summary>
    public interface IRoomsV2
    {
        Task<CreateRoomResponse> CreateRoomAsync(CreateRoomRequest request);
        Task<DestroyRoomResponse> DestroyRoomAsync(DestroyRoomRequest request);
        Task<GetActiveRoomsForProcessResponse> GetActiveRoomsForProcessAsync(GetActiveRoomsForProcessRequest request);
        Task<GetConnectionInfoResponse> GetConnectionInfoAsync(GetConnectionInfoRequest request);
        Task<GetInactiveRoomsForProcessResponse> GetInactiveRoomsForProcessAsync(GetInactiveRoomsForProcessRequest request);
        Task<GetRoomInfoResponse> GetRoomInfoAsync(GetRoomInfoRequest request);
        Task<ResumeRoomResponse> ResumeRoomAsync(ResumeRoomRequest request);

        /// <summary>Deprecated by Hathora: it will be removed in a future release. Not marked [Obsolete], so code that builds with warnings as errors keeps building.</summary>
        Task<SuspendRoomV2DeprecatedResponse> SuspendRoomV2DeprecatedAsync(SuspendRoomV2DeprecatedRequest request);

        Task<UpdateRoomConfigResponse> UpdateRoomConfigAsync(UpdateRoomConfigRequest request);
    }

    /// <summary>The RoomsV2 operations over <see cref="HathoraRoomsClient"/>; see <see cref="IRoomsV2"/>.</summary>
    public class RoomsV2 : IRoomsV2
    {
        readonly ClientSource clients;

        internal RoomsV2(ClientSource clients)
        {
            this.clients = clients;
        }

        public async Task<CreateRoomResponse> CreateRoomAsync(CreateRoomRequest request)
        {
            Require(request);
            var r = await Call(Operation.CreateRoom, Next().CreateRoomAsync(ModelConverter.ToLibrary(request.CreateRoomParams), request.RoomId, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new CreateRoomResponse { RoomConnectionData = ModelConverter.RoomConnectionData(r.Value) }, r);
        }

        public async Task<DestroyRoomResponse> DestroyRoomAsync(DestroyRoomRequest request)
        {
            Require(request);
            var r = await Call(Operation.DestroyRoom, Next().DestroyRoomAsync(request.RoomId, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new DestroyRoomResponse(), r);
        }

        public async Task<GetActiveRoomsForProcessResponse> GetActiveRoomsForProcessAsync(GetActiveRoomsForProcessRequest request)
        {
            Require(request);
            // An SDK built from a game server's context lists that process's rooms when no ProcessId is given.
            HathoraServerContext context = clients.ServerContext;
            string processId = request.ProcessId ?? (context == null ? null : context.ProcessId);
            var r = await Call(Operation.GetActiveRoomsForProcess, Next().GetActiveRoomsForProcessAsync(processId, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new GetActiveRoomsForProcessResponse { Classes = ModelConverter.Rooms(r.Value) }, r);
        }

        public async Task<GetConnectionInfoResponse> GetConnectionInfoAsync(GetConnectionInfoRequest request)
        {
            Require(request);
            var r = await Call(Operation.GetConnectionInfo, Next().GetConnectionInfoAsync(request.RoomId, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new GetConnectionInfoResponse { ConnectionInfoV2 = ModelConverter.ConnectionInfo(r.Value) }, r);
        }

        public async Task<GetInactiveRoomsForProcessResponse> GetInactiveRoomsForProcessAsync(GetInactiveRoomsForProcessRequest request)
        {
            Require(request);
            var r = await Call(Operation.GetInactiveRoomsForProcess, Next().GetInactiveRoomsForProcessAsync(request.ProcessId, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new GetInactiveRoomsForProcessResponse { Classes = ModelConverter.Rooms(r.Value) }, r);
        }

        public async Task<GetRoomInfoResponse> GetRoomInfoAsync(GetRoomInfoRequest request)
        {
            Require(request);
            var r = await Call(Operation.GetRoomInfo, Next().GetRoomInfoAsync(request.RoomId, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new GetRoomInfoResponse { Room = ModelConverter.Room(r.Value) }, r);
        }

        public async Task<ResumeRoomResponse> ResumeRoomAsync(ResumeRoomRequest request)
        {
            Require(request);
            var r = await Call(Operation.ResumeRoom, Next().ResumeRoomAsync(request.RoomId, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new ResumeRoomResponse { RoomAllocationData = ModelConverter.RoomAllocationData(r.Value) }, r);
        }

        public async Task<SuspendRoomV2DeprecatedResponse> SuspendRoomV2DeprecatedAsync(SuspendRoomV2DeprecatedRequest request)
        {
            Require(request);
#pragma warning disable 618 // the library marks it [Obsolete]; this surface mirrors the official one
            Task<R.HathoraResponse> call = Next().SuspendRoomV2DeprecatedAsync(request.RoomId, Options(request.AppId));
#pragma warning restore 618
            var r = await Call(Operation.SuspendRoomV2Deprecated, call).ConfigureAwait(false);
            return Fill(new SuspendRoomV2DeprecatedResponse(), r);
        }

        public async Task<UpdateRoomConfigResponse> UpdateRoomConfigAsync(UpdateRoomConfigRequest request)
        {
            Require(request);
            if (request.UpdateRoomConfigParams == null)
            {
                throw new HathoraInvalidArgumentException("request.UpdateRoomConfigParams must not be null");
            }
            var r = await Call(Operation.UpdateRoomConfig, Next().UpdateRoomConfigAsync(request.RoomId, request.UpdateRoomConfigParams.RoomConfig, Options(request.AppId))).ConfigureAwait(false);
            return Fill(new UpdateRoomConfigResponse(), r);
        }

        HathoraRoomsClient Next()
        {
            return clients.Next();
        }

        // The library's API errors, mapped per operation; every other failure passes unchanged.
        static async Task<T> Call<T>(Operation operation, Task<T> call)
        {
            try
            {
                return await call.ConfigureAwait(false);
            }
            catch (HathoraApiException e)
            {
                throw DeclaredErrors.Map(operation, e);
            }
        }

        static T Fill<T>(T response, R.HathoraResponse r) where T : HathoraCloudResponse
        {
            response.StatusCode = r.StatusCode;
            response.ContentType = string.IsNullOrEmpty(r.RawBody) ? null : "application/json";
            response.RawResponse = r;
            return response;
        }

        static CallOptions Options(string appId)
        {
            return appId == null ? null : new CallOptions { AppId = appId };
        }

        // Inside the async methods, so it surfaces through the task like every other failure.
        static void Require(object request)
        {
            if (request == null)
            {
                throw new HathoraInvalidArgumentException("request must not be null");
            }
        }
    }
}
