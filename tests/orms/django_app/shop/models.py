"""The models of the ORM test project: what `sqlmigrate` prints and
`migrate` builds is what strata is asked to converge to."""

from django.db import models


class Customer(models.Model):
    email = models.EmailField(max_length=200, unique=True)
    name = models.CharField(max_length=100, db_index=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "customers"


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    number = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(blank=True, null=True)
    placed_at = models.DateTimeField()

    class Meta:
        db_table = "orders"
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="orders_customer_number"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="orders_total_positive"),
        ]
        indexes = [models.Index(fields=["placed_at"], name="orders_placed")]
