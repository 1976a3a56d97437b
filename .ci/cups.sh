# Sourced by .ci/run: start cupsd and add a cups-pdf queue named PDF; exports the printer for the tests.
mkdir -p /var/spool/cups-pdf/ANONYMOUS /run/cups
if ! lpstat -r 2>/dev/null | grep -q "is running"; then
  (cupsd || /usr/sbin/cupsd) && sleep 2
fi
ppd=$(lpinfo -m 2>/dev/null | grep -i -m1 "cups-pdf" | cut -d' ' -f1 || true)
if [ -n "$ppd" ]; then
  lpadmin -p PDF -v cups-pdf:/ -E -m "$ppd"
else
  lpadmin -p PDF -v cups-pdf:/ -E
fi
cupsenable PDF 2>/dev/null || true
cupsaccept PDF 2>/dev/null || true
export ONESTOP_TEST_PRINTER=PDF
out=$(grep -E "^Out " /etc/cups/cups-pdf.conf 2>/dev/null | awk '{print $2}' | sed "s#\${HOME}#$HOME#")
export ONESTOP_TEST_PRINTER_OUTDIR="${out:-/var/spool/cups-pdf/ANONYMOUS}"
lpstat -p PDF
