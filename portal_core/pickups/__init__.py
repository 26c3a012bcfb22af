"""Programar retiro: the company's pickup windows, the supplier's appointment to collect a payment
order (with a code and its QR), and *Entregas del día*, where the code marks it collected."""
