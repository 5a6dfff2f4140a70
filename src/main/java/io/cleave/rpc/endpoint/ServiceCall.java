package io.cleave.rpc.endpoint;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import io.cleave.status.Status;
import io.cleave.status.StatusException;

/** The core of a hosted method's chain: calls the implementation with the call's context as the current one. */
final class ServiceCall {

	private ServiceCall() {
	}

	static Endpoint of(MethodDescriptor method, Object implementation) {
		Method target = method.method();
		return (request, context) -> context.run(() -> invoke(target, implementation, request));
	}

	private static Object invoke(Method target, Object implementation, Object request) {
		try {
			return target.invoke(implementation, request);
		}
		catch (InvocationTargetException thrown) {
			Throwable failure = thrown.getCause();
			if (failure instanceof RuntimeException unchecked) {
				throw unchecked;
			}
			if (failure instanceof Error error) {
				throw error;
			}
			// The contract allows only StatusExceptions, but a sneaky throw can still smuggle a checked one through.
			throw new StatusException(Status.INTERNAL, target.getName() + " failed", failure);
		}
		catch (IllegalAccessException inaccessible) {
			throw new IllegalStateException("cannot call " + target, inaccessible);
		}
	}
}
