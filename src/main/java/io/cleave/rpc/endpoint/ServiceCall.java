package io.cleave.rpc.endpoint;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

/** The core of a hosted method's chain: calls the implementation with the call's context as the current one. */
final class ServiceCall {

	private ServiceCall() {
	}

	static Endpoint of(MethodDescriptor method, Object implementation) {
		Method target = method.method();
		// The interface method bound to the implementation once: each call is one invokeExact, where Method.invoke
		// would check access, box the argument into an array and wrap what the method throws on every call.
		MethodHandle call;
		try {
			call = MethodHandles.lookup() // the access Method.invoke from here would have
					.unreflect(target)
					.bindTo(implementation)
					.asType(MethodType.methodType(Object.class, Object.class));
		}
		catch (IllegalAccessException inaccessible) {
			return (request, context) -> {
				throw new IllegalStateException("cannot call " + target, inaccessible);
			};
		}
		return (request, context) -> context.run(() -> invoke(call, target, request));
	}

	private static Object invoke(MethodHandle call, Method target, Object request) {
		try {
			return (Object) call.invokeExact(request);
		}
		catch (RuntimeException | Error unchecked) {
			throw unchecked;
		}
		catch (Throwable failure) {
			// The contract allows only StatusExceptions, but a sneaky throw can still smuggle a checked one through.
			throw new StatusException(Status.INTERNAL, target.getName() + " failed", failure);
		}
	}
}
