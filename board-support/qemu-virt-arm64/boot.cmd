# Hearth A/B boot for U-Boot. The firmware builder puts a header in front of this text that
# sets hearth_root_A, hearth_root_B, hearth_console and hearth_fdt from the board description.
# It does what dev.hearth.ota.boot.BootScript models: the first slot in BOOT_ORDER with attempts
# left (BOOT_<slot>_LEFT) loses one attempt, the environment is saved, that slot boots; when no
# slot in the order has attempts left, each gets 3 again and the first boots.
#
# The environment is U-Boot's redundant layout in two files on this FAT partition, uboot.env and
# uboot-redund.env: CRC32 (little-endian), a flags byte (a counter), 0x3ffb bytes of data. The
# valid copy with the newer counter is read (0 beats ff, copy 0 on a tie); the new state goes
# into the other copy with the counter one higher. env import/export -c know no flags byte, so
# the CRC is moved one byte up over it before import, and moved back down after export.
# setexpr works in hex: counters stay below 10, where hex and decimal read alike.

setexpr hearth_e0 ${kernel_addr_r} + 0
setexpr hearth_e1 ${kernel_addr_r} + 0x10000
setexpr hearth_tmp ${kernel_addr_r} + 0x20000
setexpr hearth_b0 ${hearth_e0} + 1
setexpr hearth_b1 ${hearth_e1} + 1
setenv hearth_valid0 0
setenv hearth_valid1 0
setenv hearth_slot

if fatload ${devtype} ${devnum}:${distro_bootpart} ${hearth_e0} uboot.env; then
  setexpr hearth_p ${hearth_e0} + 4
  setexpr.b hearth_f0 *${hearth_p}
  cp.b ${hearth_e0} ${hearth_tmp} 4
  cp.b ${hearth_tmp} ${hearth_b0} 4
  if env import -c ${hearth_b0} 0x3fff hearth_probe; then setenv hearth_valid0 1; fi
fi
if fatload ${devtype} ${devnum}:${distro_bootpart} ${hearth_e1} uboot-redund.env; then
  setexpr hearth_p ${hearth_e1} + 4
  setexpr.b hearth_f1 *${hearth_p}
  cp.b ${hearth_e1} ${hearth_tmp} 4
  cp.b ${hearth_tmp} ${hearth_b1} 4
  if env import -c ${hearth_b1} 0x3fff hearth_probe; then setenv hearth_valid1 1; fi
fi

setenv hearth_use none
if test ${hearth_valid0} = 1 && test ${hearth_valid1} = 1; then
  setenv hearth_use 0
  if itest ${hearth_f1} > ${hearth_f0}; then setenv hearth_use 1; fi
  if itest ${hearth_f0} == ff && itest ${hearth_f1} == 0; then setenv hearth_use 1; fi
  if itest ${hearth_f1} == ff && itest ${hearth_f0} == 0; then setenv hearth_use 0; fi
elif test ${hearth_valid0} = 1; then
  setenv hearth_use 0
elif test ${hearth_valid1} = 1; then
  setenv hearth_use 1
fi

if test ${hearth_use} = 0; then
  env import -c ${hearth_b0} 0x3fff BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT
  setenv hearth_flags ${hearth_f0}
  setenv hearth_target uboot-redund.env
elif test ${hearth_use} = 1; then
  env import -c ${hearth_b1} 0x3fff BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT
  setenv hearth_flags ${hearth_f1}
  setenv hearth_target uboot.env
else
  echo "Hearth: no valid environment copy, using the default boot selection"
  setenv BOOT_ORDER "A B"
  setenv BOOT_A_LEFT 3
  setenv BOOT_B_LEFT 3
  setenv hearth_flags 0
  setenv hearth_target uboot.env
fi

# The decision.
for s in ${BOOT_ORDER}; do
  if test -z "${hearth_slot}"; then
    setenv hearth_left
    setenv hearth_get "setenv hearth_left \${BOOT_${s}_LEFT}"
    run hearth_get
    if test -n "${hearth_left}" && test ${hearth_left} -gt 0; then
      setenv hearth_slot ${s}
      setexpr BOOT_${s}_LEFT ${hearth_left} - 1
    fi
  fi
done
if test -z "${hearth_slot}"; then
  echo "Hearth: no slot in the order ${BOOT_ORDER} has attempts left, resetting them"
  for s in ${BOOT_ORDER}; do
    setenv BOOT_${s}_LEFT 3
    if test -z "${hearth_slot}"; then setenv hearth_slot ${s}; fi
  done
  if test -n "${hearth_slot}"; then setenv BOOT_${hearth_slot}_LEFT 2; fi
fi
if test -z "${hearth_slot}"; then
  echo "Hearth: the boot order is empty, nothing to boot"
  exit
fi

# Save into the older copy: export behind one spare byte, move the CRC down, set the counter.
if itest ${hearth_flags} == ff; then setenv hearth_flags 0; else setexpr hearth_flags ${hearth_flags} + 1; fi
env export -c -s 0x3fff ${hearth_b0} BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT
cp.b ${hearth_b0} ${hearth_tmp} 4
cp.b ${hearth_tmp} ${hearth_e0} 4
setexpr hearth_p ${hearth_e0} + 4
mw.b ${hearth_p} ${hearth_flags}
fatwrite ${devtype} ${devnum}:${distro_bootpart} ${hearth_e0} ${hearth_target} 0x4000
echo "Hearth: booting slot ${hearth_slot}; order ${BOOT_ORDER}; A ${BOOT_A_LEFT} B ${BOOT_B_LEFT} left; saved ${hearth_target} (${hearth_flags})"

setenv hearth_get "setenv hearth_root \${hearth_root_${hearth_slot}}"
run hearth_get
fatload ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} Image_${hearth_slot}
fatload ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} initrd_${hearth_slot}
setenv hearth_initrd_size ${filesize}
setenv bootargs "console=${hearth_console} root=${hearth_root} ro rootwait panic=10 quiet hearth.slot=${hearth_slot}"
if test "${hearth_hypervisor}" = xen; then
  # Xen (the builder's --hypervisor xen sets hearth_hypervisor and the hearth_xen_* addresses)
  # starts the kernel as dom0: Xen at kernel_addr_r, the kernel and initrd as multiboot modules
  # in /chosen of a copy of the device tree, Xen's console on the board's UART (stdout-path),
  # dom0's on hvc0.
  fatload ${devtype} ${devnum}:${distro_bootpart} ${hearth_xen_kernel} Image_${hearth_slot}
  setenv hearth_kernel_size ${filesize}
  fatload ${devtype} ${devnum}:${distro_bootpart} ${hearth_xen_initrd} initrd_${hearth_slot}
  setenv hearth_initrd_size ${filesize}
  fatload ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} xen
  setenv hearth_get "fdt addr \${${hearth_fdt}}; fdt move \${${hearth_fdt}} ${hearth_xen_fdt} 0x100000"
  run hearth_get
  fdt addr ${hearth_xen_fdt}
  fdt resize 4096
  fdt set /chosen \#address-cells <0x2>
  fdt set /chosen \#size-cells <0x2>
  fdt set /chosen xen,xen-bootargs "${hearth_xen_bootargs}"
  fdt set /chosen xen,dom0-bootargs "console=hvc0 root=${hearth_root} ro rootwait panic=10 quiet hearth.slot=${hearth_slot}"
  fdt mknod /chosen dom0
  fdt set /chosen/dom0 compatible "xen,linux-zimage" "xen,multiboot-module" "multiboot,module"
  fdt set /chosen/dom0 reg <0x0 ${hearth_xen_kernel} 0x0 0x${hearth_kernel_size}>
  fdt mknod /chosen dom0-ramdisk
  fdt set /chosen/dom0-ramdisk compatible "xen,linux-initrd" "xen,multiboot-module" "multiboot,module"
  fdt set /chosen/dom0-ramdisk reg <0x0 ${hearth_xen_initrd} 0x0 0x${hearth_initrd_size}>
  echo "Hearth: starting Xen with slot ${hearth_slot} as dom0"
  booti ${kernel_addr_r} - ${hearth_xen_fdt}
else
  setenv hearth_get "booti \${kernel_addr_r} \${ramdisk_addr_r}:\${hearth_initrd_size} \${${hearth_fdt}}"
  run hearth_get
fi
