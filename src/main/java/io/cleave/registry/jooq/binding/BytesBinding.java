package io.cleave.registry.jooq.binding;

import java.sql.SQLException;
import java.sql.Types;

import org.jooq.Binding;
import org.jooq.BindingGetResultSetContext;
import org.jooq.BindingGetSQLInputContext;
import org.jooq.BindingGetStatementContext;
import org.jooq.BindingRegisterContext;
import org.jooq.BindingSQLContext;
import org.jooq.BindingSetSQLOutputContext;
import org.jooq.BindingSetStatementContext;
import org.jooq.Converter;
import org.jooq.impl.DefaultBinding;
import org.jooq.impl.SQLDataType;

/**
 * Binds the registry's {@code bytea} columns as plain bytes on every database. jOOQ's own binding sends a byte array to
 * H2 as a BLOB: each bound key or value then becomes a temporary large object in H2's LOB store — three more B-trees
 * written and committed per statement, and copied back out on read — which cost the embedded store more than the rows
 * themselves. Public, in a package of its own, because the generated table classes name it.
 */
public final class BytesBinding implements Binding<byte[], byte[]> {

	private static final Binding<byte[], byte[]> VARBINARY = DefaultBinding.binding(SQLDataType.VARBINARY);

	@Override
	public Converter<byte[], byte[]> converter() {
		return VARBINARY.converter();
	}

	@Override
	public void sql(BindingSQLContext<byte[]> ctx) throws SQLException {
		VARBINARY.sql(ctx);
	}

	@Override
	public void register(BindingRegisterContext<byte[]> ctx) throws SQLException {
		VARBINARY.register(ctx);
	}

	@Override
	public void set(BindingSetStatementContext<byte[]> ctx) throws SQLException {
		byte[] value = ctx.value();
		if (value == null) {
			ctx.statement().setNull(ctx.index(), Types.VARBINARY);
		}
		else {
			ctx.statement().setBytes(ctx.index(), value);
		}
	}

	@Override
	public void set(BindingSetSQLOutputContext<byte[]> ctx) throws SQLException {
		VARBINARY.set(ctx);
	}

	@Override
	public void get(BindingGetResultSetContext<byte[]> ctx) throws SQLException {
		ctx.value(ctx.resultSet().getBytes(ctx.index()));
	}

	@Override
	public void get(BindingGetStatementContext<byte[]> ctx) throws SQLException {
		VARBINARY.get(ctx);
	}

	@Override
	public void get(BindingGetSQLInputContext<byte[]> ctx) throws SQLException {
		VARBINARY.get(ctx);
	}
}
