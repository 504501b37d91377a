// Unity ships AOT.MonoPInvokeCallbackAttribute; IL2CPP and Mono AOT find it by name and emit a
// reverse P/Invoke wrapper for the marked static method. Elsewhere we declare our own.
#if !UNITY_5_3_OR_NEWER
using System;

namespace AOT
{
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type delegateType)
        {
            DelegateType = delegateType;
        }

        public Type DelegateType { get; private set; }
    }
}
#endif
